/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Backoff delays and the jitter's random source (see retry_decision.h). */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "retry/retry_decision.h"

uint64_t retry_backoff_s(const struct backoff *b, unsigned n, double u)
{
	double delay = (double)b->initial_s, max = (double)b->max_s;

	/* multiplied step by step: no libm, and it stops at the cap */
	for (unsigned k = 1; k < n && b->factor > 1.0 && delay < max; k++)
		delay *= b->factor;
	if (delay > max)
		delay = max;
	if (u < 0.0 || u >= 1.0)
		u = 0.5;
	delay *= 1.0 + b->jitter * (2.0 * u - 1.0);
	if (delay > max)
		delay = max;  /* max stays a promise the user can count on */
	return delay <= 0.0 ? 0 : (uint64_t)(delay + 0.5);
}

/* drand48_r over one state, seeded on first use. */
static double system_next(void *ctx)
{
	static struct drand48_data state;
	static int seeded;
	double u = 0.5;

	(void)ctx;
	if (!seeded) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		srand48_r((long)(now.tv_nsec ^ now.tv_sec ^ ((long)getpid() << 16)), &state);
		seeded = 1;
	}
	drand48_r(&state, &u);
	return u;
}

struct retry_random retry_random_system(void)
{
	return (struct retry_random){ system_next, NULL };
}
