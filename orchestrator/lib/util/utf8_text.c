/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text made valid UTF-8 (see utf8_text.h). */
#include "lib/util/utf8_text.h"

#include <stdlib.h>
#include <string.h>

size_t utf8_char_length(const unsigned char *p)
{
	size_t n;
	unsigned long c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)   /* the NUL at the end stops here too */
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void utf8_fix(char *text)
{
	unsigned char *p = (unsigned char *)text;

	while (p && *p) {
		size_t n = utf8_char_length(p);

		if (n == 0)
			*p++ = '?';
		else
			p += n;
	}
}

size_t utf8_whole(const char *buf, size_t n)
{
	size_t start = n, want;
	unsigned char lead;

	while (start > 0 && n - start < 4 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0)
		return n;
	lead = (unsigned char)buf[start - 1];
	want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	return n - (start - 1) < want ? start - 1 : n;
}

size_t utf8_encode(unsigned long cp, char out[4])
{
	if (cp < 0x80)
		return out[0] = (char)cp, 1;
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

json_t *json_text(const char *text)
{
	json_t *json;
	char *copy;

	if (!text)
		return NULL;
	if ((json = json_string(text)) != NULL || !(copy = strdup(text)))
		return json;
	utf8_fix(copy);
	json = json_string(copy);
	free(copy);
	return json;
}
