/* SPDX-License-Identifier: GPL-2.0-or-later */
/* When a sample of the step's memory is worth an event: the first time it
 * reaches 80 % of its limit, the first time 90 %, and then at most once per
 * interval while it stays at or above 90 %. Pure: the sampler feeds it.
 *
 * Tests: spank/test/test_memory_threshold.c. */
#ifndef SCALABLE_MEMORY_THRESHOLD_H
#define SCALABLE_MEMORY_THRESHOLD_H

#include <stdbool.h>
#include <stdint.h>

struct memory_threshold {
	int64_t interval_ms;     /* least time between two "above_90" events */
	bool crossed_80;
	bool crossed_90;
	bool said_above_90;      /* an event at or above 90 % was written ... */
	int64_t last_above_90_ms;   /* ... at this time (monotonic ms) */
};

void memory_threshold_init(struct memory_threshold *t, int64_t interval_ms);

/* The percent current_bytes is of limit_bytes; -1 without a limit (<= 0). */
double memory_percent(int64_t current_bytes, int64_t limit_bytes);

/* Feeds one sample taken at now_ms; returns the event's threshold ("80",
 * "90" or "above_90") or NULL when the sample is not worth one. Without a
 * limit (limit_bytes <= 0, an unlimited cgroup) or a reading (current < 0):
 * NULL. A jump from below 80 % straight to 90 % or more is one "90". Once
 * said, "80" and "90" are never said again in the step, even after it fell
 * below and rose again: then "above_90", at most once per interval. */
const char *memory_threshold_feed(struct memory_threshold *t, int64_t current_bytes,
				  int64_t limit_bytes, int64_t now_ms);

#endif
