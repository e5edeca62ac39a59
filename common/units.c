/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict size, walltime and duration parsing (see units.h for the grammar). */
#include "units.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool units_read_digits(const char **p, uint64_t *value)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
			return false;
	}
	*p = s;
	*value = v;
	return true;
}

/* Multiplier of a size suffix letter, or 0 when the letter is not one. */
static uint64_t size_multiplier(char suffix)
{
	switch (toupper((unsigned char)suffix)) {
	case 'K': return 1024;
	case 'M': return UNITS_MIB;
	case 'G': return UNITS_MIB * 1024;
	case 'T': return UNITS_MIB * 1024 * 1024;
	default: return 0;
	}
}

bool units_parse_size(const char *text, uint64_t *bytes, const char **why)
{
	static const char expected[] =
		"expected a positive integer with an optional suffix K, M, G or T, "
		"e.g. 16G or 500M; a plain number is MiB";
	const char *p = text;
	uint64_t count, multiplier = UNITS_MIB, result;

	if (!units_read_digits(&p, &count)) {
		*why = expected;
		return false;
	}
	if (*p != '\0') {
		multiplier = size_multiplier(*p);
		if (multiplier == 0 || p[1] != '\0') {
			*why = expected;
			return false;
		}
	}
	if (count == 0) {
		*why = "expected a positive size (0 would mean all of a node's memory)";
		return false;
	}
	if (__builtin_mul_overflow(count, multiplier, &result)) {
		*why = "size too large (expected at most 16 EiB)";
		return false;
	}
	*bytes = result;
	return true;
}

/* Splits "D-" off a walltime: sets *days and advances *p, or leaves both. */
static void read_days(const char **p, uint64_t *days, bool *has_days)
{
	const char *s = *p;
	uint64_t value;

	*has_days = false;
	if (!units_read_digits(&s, &value) || *s != '-')
		return;
	*days = value;
	*has_days = true;
	*p = s + 1;
}

/* Reads up to three ':'-separated fields; returns their count, 0 on junk. */
static int read_clock_fields(const char *p, uint64_t field[3])
{
	int n = 0;

	for (;;) {
		if (n == 3 || !units_read_digits(&p, &field[n]))
			return 0;
		n++;
		if (*p == '\0')
			return n;
		if (*p++ != ':')
			return 0;
	}
}

/* Combines days, hours, minutes, seconds into *seconds; false on overflow. */
static bool sum_seconds(uint64_t d, uint64_t h, uint64_t m, uint64_t s,
			uint64_t *seconds)
{
	uint64_t total;

	if (__builtin_mul_overflow(d, 24, &total) ||
	    __builtin_add_overflow(total, h, &total) ||
	    __builtin_mul_overflow(total, 60, &total) ||
	    __builtin_add_overflow(total, m, &total) ||
	    __builtin_mul_overflow(total, 60, &total) ||
	    __builtin_add_overflow(total, s, &total))
		return false;
	*seconds = total;
	return true;
}

bool units_parse_walltime(const char *text, uint64_t *seconds, const char **why)
{
	static const char expected[] =
		"expected a Slurm time: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or "
		"D-HH:MM:SS, e.g. 04:00:00 or 1-00:00:00";
	const char *p = text;
	uint64_t days = 0, f[3] = { 0, 0, 0 }, h = 0, m = 0, s = 0, total;
	bool has_days;
	int n;

	read_days(&p, &days, &has_days);
	n = read_clock_fields(p, f);
	if (n == 0) {
		*why = expected;
		return false;
	}
	if (has_days) {
		h = f[0];
		m = n > 1 ? f[1] : 0;
		s = n > 2 ? f[2] : 0;
	} else if (n == 3) {
		h = f[0], m = f[1], s = f[2];
	} else {
		m = f[0];
		s = n > 1 ? f[1] : 0;
	}
	if ((has_days && h >= 24) || ((has_days || n == 3) && m >= 60) ||
	    (n > 1 && s >= 60)) {
		*why = "expected hours below 24 after D-, minutes and seconds below 60";
		return false;
	}
	if (!sum_seconds(days, h, m, s, &total)) {
		*why = "walltime too large (expected fewer days)";
		return false;
	}
	if (total == 0) {
		*why = "expected a positive walltime (0 would mean no limit)";
		return false;
	}
	*seconds = total;
	return true;
}

/* Seconds in a duration unit letter, or 0 when the letter is not one. */
static uint64_t duration_unit(char unit)
{
	switch (unit) {
	case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return 86400;
	default: return 0;
	}
}

bool units_parse_duration(const char *text, uint64_t *seconds, const char **why)
{
	static const char expected[] =
		"expected a duration: an integer with an optional unit s, m, h or d, "
		"e.g. 30s, 10m or 2h; a plain number is seconds";
	const char *p = text;
	uint64_t count, unit = 1, result;

	if (!units_read_digits(&p, &count)) {
		*why = expected;
		return false;
	}
	if (*p != '\0') {
		unit = duration_unit(*p);
		if (unit == 0 || p[1] != '\0') {
			*why = expected;
			return false;
		}
	}
	if (__builtin_mul_overflow(count, unit, &result)) {
		*why = "duration too large (expected fewer days)";
		return false;
	}
	*seconds = result;
	return true;
}

int units_format_mem(uint64_t bytes, char *buf, size_t len)
{
	uint64_t mib = bytes / UNITS_MIB + (bytes % UNITS_MIB != 0);

	return snprintf(buf, len, "%" PRIu64 "M", mib);
}

int units_format_walltime(uint64_t seconds, char *buf, size_t len)
{
	return snprintf(buf, len, "%" PRIu64 "-%02u:%02u:%02u", seconds / 86400,
			(unsigned)(seconds / 3600 % 24), (unsigned)(seconds / 60 % 60),
			(unsigned)(seconds % 60));
}

int units_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char suffixes[] = "TGMK";

	for (size_t i = 0; i < sizeof suffixes - 1; i++) {
		uint64_t unit = size_multiplier(suffixes[i]);

		if (bytes != 0 && bytes % unit == 0)
			return snprintf(buf, len, "%" PRIu64 "%c", bytes / unit,
					suffixes[i]);
	}
	return snprintf(buf, len, "%" PRIu64 "B", bytes);
}
