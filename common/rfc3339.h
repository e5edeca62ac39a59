/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3339 UTC timestamps ("2026-11-27T20:41:24.123Z"), the telemetry time format.
 *
 * Tests: common/test/test_step_event.c (the times events carry). */
#ifndef SCALABLE_RFC3339_H
#define SCALABLE_RFC3339_H

#include <stddef.h>
#include <time.h>

#define RFC3339_BUFSZ 32

/* Writes ts as RFC 3339 UTC with millisecond precision; returns buf, or NULL if it does not fit. */
char *rfc3339_format(const struct timespec *ts, char *buf, size_t bufsz);

/* Writes the current wall-clock time; returns buf. */
char *rfc3339_now(char *buf, size_t bufsz);

/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z"; returns 0 and sets *out, or -1. */
int rfc3339_parse(const char *text, struct timespec *out);

#endif
