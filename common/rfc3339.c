/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rfc3339.h"

#include <stdio.h>
#include <string.h>

char *rfc3339_format(const struct timespec *ts, char *buf, size_t bufsz)
{
	struct tm tm;
	if (!gmtime_r(&ts->tv_sec, &tm))
		return NULL;
	int n = snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000000L);
	if (n < 0 || (size_t)n >= bufsz)
		return NULL;
	return buf;
}

char *rfc3339_now(char *buf, size_t bufsz)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return rfc3339_format(&ts, buf, bufsz);
}

int rfc3339_parse(const char *text, struct timespec *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	int consumed = 0;
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
		return -1;
	const char *rest = text + consumed;
	long nsec = 0;
	if (*rest == '.') {
		long scale = 100000000L;
		for (rest++; *rest >= '0' && *rest <= '9'; rest++) {
			nsec += (*rest - '0') * scale;
			scale /= 10;
		}
	}
	if (strcmp(rest, "Z") != 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	out->tv_sec = timegm(&tm);
	out->tv_nsec = nsec;
	return 0;
}
