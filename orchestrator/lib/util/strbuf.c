/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growable strings (see strbuf.h). */
#include "lib/util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ensures room for extra more bytes and the NUL. */
static int reserve(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1, capacity = sb->capacity ? sb->capacity : 64;
	char *grown;

	if (need <= sb->capacity)
		return 0;
	while (capacity < need)
		capacity *= 2;
	grown = realloc(sb->text, capacity);
	if (!grown)
		return -1;
	sb->text = grown;
	sb->capacity = capacity;
	return 0;
}

int strbuf_append(struct strbuf *sb, const char *text, size_t len)
{
	if (reserve(sb, len) != 0)
		return -1;
	memcpy(sb->text + sb->len, text, len);
	sb->len += len;
	sb->text[sb->len] = '\0';
	return 0;
}

int strbuf_puts(struct strbuf *sb, const char *text)
{
	return strbuf_append(sb, text, strlen(text));
}

int strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(sb, (size_t)n) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->text + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

char *strbuf_release(struct strbuf *sb)
{
	char *text = sb->text;

	if (!text && reserve(sb, 0) == 0) {
		sb->text[0] = '\0';
		text = sb->text;
	}
	sb->text = NULL;
	sb->len = sb->capacity = 0;
	return text;
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->text);
	sb->text = NULL;
	sb->len = sb->capacity = 0;
}
