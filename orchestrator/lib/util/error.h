/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One error, formatted once where it is found and printed by the command:
 * "FILE:LINE:COL: error: WHAT (expected ...)" for what a user wrote, or
 * "WHAT: strerror" for what the system refused. The exit code travels along. */
#ifndef SCALABLE_ERROR_H
#define SCALABLE_ERROR_H

#include <stdarg.h>

struct error {
	int exit_code;     /* enum scalable_exit */
	char text[1024];
};

/* An error in a file the user wrote: exit code 2. */
void error_at(struct error *err, const char *file, unsigned line, unsigned column,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void error_at_v(struct error *err, const char *file, unsigned line, unsigned column,
		const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* Bad usage without a location: exit code 2. */
void error_usage(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A system call failed (errno is read): exit code 3. */
void error_system(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
