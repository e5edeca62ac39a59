/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The follow loop (see run_follow.h). */
#include "run/run_follow.h"

#include <stdio.h>
#include <time.h>

#include "lib/util/crash_point.h"
#include "lib/util/interrupt.h"
#include "run/run_close.h"
#include "run/run_stages.h"
#include "run/run_submit.h"
#include "run/run_window.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool run_follow_finished(const struct run_session *s)
{
	/* a failed task with a retry decided is final, the run is not */
	return !backend_busy(s->backend) && tracker_all_final(s->tracker) &&
	       !run_retries_pending(s) && !run_window_pending(s) && !run_stages_pending(s);
}

/* Whether to stop following, and why. A signal counts from the start of
 * the command: Ctrl-C during submission detaches once every chunk is in. */
static bool should_stop(const struct run_session *s, enum follow_end *end)
{
	if (interrupt_count() > 0) {
		*end = FOLLOW_INTERRUPTED;
		return true;
	}
	if (run_cancel_requested(s->run->path)) {
		*end = FOLLOW_CANCEL_REQUESTED;
		return true;
	}
	*end = FOLLOW_FINISHED;
	return run_follow_finished(s);
}

/* Submits the retries decided since the last poll as the next wave. */
static int retry_step(struct run_session *s, const struct follow_options *o,
		      struct error *err)
{
	long n = run_submit_retries(s, err);
	char text[128];

	/* then the later stages: what their upstreams allow now (run_stages.h) */
	if (n >= 0 && run_stages_step(s, true, err) < 0)
		return -1;
	if (n > 0 && o->progress) {
		snprintf(text, sizeof text, "retrying %ld task%s", n, n == 1 ? "" : "s");
		progress_note(o->progress, text);
	}
	return n < 0 ? -1 : 0;
}

/* Says once what a task left in events/ that could not be read (tracker.h). */
static void note_events_trouble(struct run_session *s, const struct follow_options *o)
{
	char text[640];

	if (o->progress && tracker_events_trouble(s->tracker, text, sizeof text))
		progress_note(o->progress, text);
}

int run_follow(struct run_session *s, const struct follow_options *o, enum follow_end *end,
	       struct error *err)
{
	double interval = o->poll_interval_s ? o->poll_interval_s : run_session_poll_interval(s);
	double next_poll = now_s() + (o->poll_at_once ? 0 : interval);
	/* the local target has no scheduler to ask: its "poll" is free */
	bool local = s->provider == PROVIDER_LOCAL;

	/* re-attached: what was decided before may still wait for its wave */
	if (retry_step(s, o, err) != 0)
		return -1;
	if (o->progress)
		progress_update(o->progress, s->tracker);
	while (!should_stop(s, end)) {
		backend_wait(s->backend, FOLLOW_TICK_MS);
		if (tracker_poll_events(s->tracker, err) < 0)
			return -1;
		note_events_trouble(s, o);
		if (local || now_s() >= next_poll) {
			if (backend_poll(s->backend, s->tracker, err) != 0)
				return -1;
			crash_point("poll");
			next_poll = now_s() + interval;
			if (retry_step(s, o, err) != 0)
				return -1;
		}
		if (o->progress)
			progress_update(o->progress, s->tracker);
	}
	return 0;
}
