/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every reader of the export keeps values with: the text store and
 * times (see export_impl.h). */
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"
#include "lib/util/utf8_text.h"
#include "rfc3339.h"

uint64_t ex_text_add(struct ex_text *t, const char *s, size_t n, bool *oom)
{
	uint64_t off = t->len;
	size_t kept = 0;

	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		char *bytes;

		while (cap < t->len + n + 1)
			cap *= 2;
		if (!(bytes = realloc(t->bytes, cap))) {
			*oom = true;
			return EX_NO_TEXT;
		}
		t->bytes = bytes, t->cap = cap;
	}
	for (size_t i = 0; i < n; i++)  /* a NUL would end the text early: dropped */
		if (s[i])
			t->bytes[off + kept++] = s[i];
	t->bytes[off + kept] = '\0';
	utf8_fix(t->bytes + off);
	t->len += kept + 1;
	return off;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): no timegm, no sscanf, for three million rows. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The number of n digits at p, or -1 when one is not a digit. */
static int digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int64_t ex_time_ms(const char *t)
{
	int y, mo, d, h, mi, s, ms = 0, scale = 100;
	const char *p;
	struct timespec ts;

	if (!t)
		return EX_NO_TIME;
	/* "YYYY-MM-DDTHH:MM:SS[.fff...]Z", as the orchestrator writes it */
	if ((y = digits(t, 4)) < 0 || t[4] != '-' || (mo = digits(t + 5, 2)) < 1 || mo > 12 ||
	    t[7] != '-' || (d = digits(t + 8, 2)) < 1 || d > 31 || t[10] != 'T' ||
	    (h = digits(t + 11, 2)) < 0 || t[13] != ':' || (mi = digits(t + 14, 2)) < 0 ||
	    t[16] != ':' || (s = digits(t + 17, 2)) < 0) {
		if (rfc3339_parse(t, &ts) != 0)
			return EX_NO_TIME;
		return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	p = t + 19;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			ms += (*p - '0') * scale;
	if (strcmp(p, "Z") != 0)
		return EX_NO_TIME;
	return ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 + mi) * 60000 +
	       (int64_t)s * 1000 + ms;
}
