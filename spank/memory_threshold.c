/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "memory_threshold.h"

#include <string.h>

void memory_threshold_init(struct memory_threshold *t, int64_t interval_ms)
{
	memset(t, 0, sizeof(*t));
	t->interval_ms = interval_ms;
}

double memory_percent(int64_t current_bytes, int64_t limit_bytes)
{
	if (limit_bytes <= 0 || current_bytes < 0)
		return -1;
	return (double)current_bytes * 100.0 / (double)limit_bytes;
}

/* Integer comparisons, so that exactly 80 % is 80 % whatever the rounding. */
static bool at_least(int64_t current, int64_t limit, int percent)
{
	return (__int128)current * 100 >= (__int128)limit * percent;
}

const char *memory_threshold_feed(struct memory_threshold *t, int64_t current_bytes,
				  int64_t limit_bytes, int64_t now_ms)
{
	if (limit_bytes <= 0 || current_bytes < 0)
		return NULL;
	if (at_least(current_bytes, limit_bytes, 90)) {
		const char *what = NULL;
		if (!t->crossed_90)
			what = "90";
		else if (!t->said_above_90 || now_ms - t->last_above_90_ms >= t->interval_ms)
			what = "above_90";
		if (what) {
			t->crossed_80 = t->crossed_90 = t->said_above_90 = true;
			t->last_above_90_ms = now_ms;
		}
		return what;
	}
	if (at_least(current_bytes, limit_bytes, 80) && !t->crossed_80) {
		t->crossed_80 = true;
		return "80";
	}
	return NULL;
}
