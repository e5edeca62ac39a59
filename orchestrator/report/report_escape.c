/* Escaping what comes from the run (messages, names, paths: user data)
 * for HTML, Markdown and JSON (see report_impl.h), so no message can add
 * markup, a script or a link to a report. */
#include <stdbool.h>
#include <string.h>

#include "report/report_impl.h"

/* A control character other than tab and newline: dropped (a terminal or
 * a mail client could act on it). */
static bool dropped(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
}

void report_html_text(FILE *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if (!dropped(*p))
				fputc(*p, out);
		}
	}
}

void report_md_text(FILE *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
		if (*p == '\n' || *p == '\t')
			fputc(' ', out);
		else if (strchr("\\`*_[]|~<>&", *p))
			fprintf(out, "\\%c", *p);
		else if (!dropped(*p))
			fputc(*p, out);
	}
}

/* The length of the valid UTF-8 sequence at p, or 0 (overlongs,
 * surrogates and values past U+10FFFF are not valid). */
static size_t utf8_length(const unsigned char *p)
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
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

void report_utf8_fix(char *text)
{
	unsigned char *p = (unsigned char *)text;

	while (p && *p) {
		size_t n = utf8_length(p);

		if (n == 0)
			*p++ = '?';
		else
			p += n;
	}
}
