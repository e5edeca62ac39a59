/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shell quoting (see shell_quote.h). */
#include "lib/util/shell_quote.h"

#include <string.h>

bool shell_word_is_safe(const char *value)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_-./:=,+@%";

	return value[0] != '\0' && strspn(value, safe) == strlen(value);
}

int shell_quote(struct strbuf *out, const char *value)
{
	if (shell_word_is_safe(value))
		return strbuf_puts(out, value);
	if (strbuf_puts(out, "'") != 0)
		return -1;
	for (const char *p = value; *p; p++) {
		const char *next = strchr(p, '\'');
		size_t len = next ? (size_t)(next - p) : strlen(p);

		if (strbuf_append(out, p, len) != 0)
			return -1;
		p += len;
		if (!*p)
			break;
		if (strbuf_puts(out, "'\\''") != 0)
			return -1;
	}
	return strbuf_puts(out, "'");
}

static bool has_control_char(const char *value)
{
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

int shell_quote_line(struct strbuf *out, const char *value)
{
	if (!has_control_char(value))
		return shell_quote(out, value);
	if (strbuf_puts(out, "$'") != 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		int rc;

		if (*p == '\\' || *p == '\'')
			rc = strbuf_printf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			rc = strbuf_printf(out, "\\x%02x", *p);
		else
			rc = strbuf_append(out, (const char *)p, 1);
		if (rc != 0)
			return -1;
	}
	return strbuf_puts(out, "'");
}
