/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The line of a failed attempt's stderr tail that points at the cause (see
 * dx_offending_line): in a Python traceback, the innermost frame in the
 * user's own code, which is where a missing import or a bad read starts;
 * elsewhere, the first line that names an error. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diagnose/diagnose_traceback.h"

/* Whether a "File ..." frame line is in Python's own or installed code. */
static bool library_frame(const char *line, size_t len)
{
	static const char *const marks[] = { "site-packages", "dist-packages", "/lib/python",
					     "<frozen", "importlib" };

	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (memmem(line, len, marks[i], strlen(marks[i])))
			return true;
	return false;
}

/* The length of the line at p, without its newline. */
static size_t line_len(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? (size_t)(nl - p) : strlen(p);
}

/* Skips leading blanks of a line of length *len. */
static const char *trim(const char *p, size_t *len)
{
	while (*len && (*p == ' ' || *p == '\t')) {
		p++;
		(*len)--;
	}
	while (*len && (p[*len - 1] == ' ' || p[*len - 1] == '\r'))
		(*len)--;
	return p;
}

/* The start of the line after p's, or "" at the end. */
static const char *after_line(const char *p)
{
	size_t n = line_len(p);

	return p + n + (p[n] == '\n');
}

/* The innermost user frame and its source line; false when there is none. */
static bool python_frame(const char *text, char *buf, size_t len)
{
	const char *frame = NULL, *any = NULL, *l1, *l2, *src;
	size_t n1, n2;

	for (const char *p = text; *p; p = after_line(p)) {
		size_t n = line_len(p);
		const char *t = trim(p, &n);

		if (n > 6 && !strncmp(t, "File \"", 6)) {
			any = p;
			if (!library_frame(t, n))
				frame = p;
		}
	}
	if (!(frame = frame ? frame : any))
		return false;
	n1 = line_len(frame);
	l1 = trim(frame, &n1);
	src = after_line(frame);
	n2 = line_len(src);
	l2 = trim(src, &n2);
	if (n2 > 6 && !strncmp(l2, "File \"", 6))
		n2 = 0;  /* no source line was shown */
	snprintf(buf, len, "%.*s%s%.*s", (int)n1, l1, n2 ? ": " : "", (int)n2, l2);
	return true;
}

/* The first line naming an error; false when there is none. */
static bool error_line(const char *text, char *buf, size_t len)
{
	static const char *const marks[] = { "error", "not found", "no such", "cannot",
					     "failed", "exception" };

	for (const char *p = text; *p; p = after_line(p)) {
		size_t n = line_len(p);
		const char *t = trim(p, &n);
		char line[1024];

		snprintf(line, sizeof line, "%.*s", (int)n, t);
		for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
			if (strcasestr(line, marks[i])) {
				snprintf(buf, len, "%s", line);
				return true;
			}
		}
	}
	return false;
}

bool dx_offending_line(const char *traceback, char *buf, size_t len)
{
	if (!traceback || !*traceback)
		return false;
	return python_frame(traceback, buf, len) || error_line(traceback, buf, len);
}
