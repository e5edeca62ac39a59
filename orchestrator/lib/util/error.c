/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Formatting of struct error (see error.h). */
#include "lib/util/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/util/exit_codes.h"

void error_at_v(struct error *err, const char *file, unsigned line, unsigned column,
		const char *fmt, va_list ap)
{
	int n = snprintf(err->text, sizeof err->text, "%s:%u:%u: error: ", file,
			 line, column);

	if (n < 0 || (size_t)n >= sizeof err->text)
		n = 0;
	vsnprintf(err->text + n, sizeof err->text - (size_t)n, fmt, ap);
	err->exit_code = SCALABLE_EXIT_USAGE;
}

void error_at(struct error *err, const char *file, unsigned line, unsigned column,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_at_v(err, file, line, column, fmt, ap);
	va_end(ap);
}

void error_usage(struct error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->text, sizeof err->text, fmt, ap);
	va_end(ap);
	err->exit_code = SCALABLE_EXIT_USAGE;
}

void error_system(struct error *err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err->text, sizeof err->text, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof err->text)
		snprintf(err->text + n, sizeof err->text - (size_t)n, ": %s",
			 strerror(saved));
	err->exit_code = SCALABLE_EXIT_SYSTEM;
}
