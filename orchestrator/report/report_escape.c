/* SPDX-License-Identifier: GPL-2.0-or-later */
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
