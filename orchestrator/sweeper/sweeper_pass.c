/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A sweeper's pass over a detached run (see sweeper_pass.h). */
#include "sweeper/sweeper_pass.h"

#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "run/run_stages.h"
#include "run/run_submit.h"
#include "lib/util/u64_map.h"

/* First-wave chunks sbatch refused (`scalable submit` said so and went
 * on): their tasks were never tracked, so the run cannot be completed. */
static size_t first_wave_refusals(const struct run_session *s)
{
	const struct journal_replay *j = run_session_journal(s);
	char first[32];
	size_t n = 0;

	journal_wave_name(1, first, sizeof first);
	for (size_t i = 0; i < j->count; i++)
		n += j->submissions[i].state == JOURNAL_SUBMIT_FAILED &&
		     !strcmp(j->submissions[i].wave, first);
	return n;
}

long sweeper_pass(struct run_session *s, struct error *err)
{
	long before, after;

	s->submit_failures = first_wave_refusals(s);
	/* one poll per process: a grace counted in polls would never end */
	backend_polls_once(s->backend);
	/* what an earlier pass decided may still wait for its wave */
	if ((before = run_submit_retries(s, err)) < 0 || tracker_poll_events(s->tracker, err) < 0 ||
	    backend_poll(s->backend, s->tracker, err) != 0 ||
	    (after = run_submit_retries(s, err)) < 0 ||
	    run_stages_step(s, false, err) < 0)  /* later stages whose upstreams succeeded */
		return -1;
	return before + after;
}

struct wait_scan {
	struct u64_map seen;
	uint32_t *ids;
	size_t n;
	uint32_t self;
	bool failed;
};

/* Latest attempts still open, and not gone from squeue at the last poll. */
static void note_waiting(const struct task_attempt *a, bool latest, void *ctx)
{
	struct wait_scan *w = ctx;

	if (!latest || task_state_is_final(a->state) || a->gone_polls > 0 || !a->array_job_id ||
	    a->array_job_id == w->self || w->failed || u64_map_get(&w->seen, a->array_job_id))
		return;
	if (u64_map_put(&w->seen, a->array_job_id, (void *)a) != 0) {
		w->failed = true;
		return;
	}
	w->ids[w->n++] = a->array_job_id;
}

static int by_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

size_t sweeper_jobs_to_wait_for(const struct tracker *t, uint32_t self, uint32_t **ids)
{
	struct tracker_counts c;
	struct wait_scan w = { .self = self };

	tracker_counts(t, NULL, &c);
	/* an array per task at most: the latest attempts of c.tasks tasks */
	w.ids = malloc((c.tasks + 1) * sizeof *w.ids);
	if (w.ids)
		tracker_foreach(t, note_waiting, &w);
	u64_map_free(&w.seen);
	if (w.failed) {
		w.n = 0;  /* out of memory: a delay will do */
	}
	if (w.n > 1)
		qsort(w.ids, w.n, sizeof *w.ids, by_id);
	*ids = w.ids;
	return w.n;
}

/* value, or NULL when empty. */
static const char *or_null(const char *value)
{
	return value && *value ? value : NULL;
}

void sweeper_next_job(const struct run_session *s, const struct sweeper_self *self,
		   const char *program, unsigned poll_interval_s, struct sweeper_job *job)
{
	*job = (struct sweeper_job){
		.run_dir = s->run->path, .run_id = s->run->id,
		.project = s->record.project_name ? s->record.project_name : "project",
		.partition = or_null(self->partition), .account = or_null(self->account),
		.qos = or_null(self->qos), .program = program, .poll_interval_s = poll_interval_s,
	};
	if (s->target) {
		job->partition = s->target->partition;
		job->account = s->target->account;
		job->qos = s->target->qos;
	}
}

int sweeper_queue_next(const struct sweeper_job *job, const struct tracker *t,
		    const struct sweeper_self *self, bool pass_failed,
		    enum sweeper_outcome *outcome, uint32_t *job_id, struct error *err)
{
	uint32_t *ids = NULL;
	size_t n = t ? sweeper_jobs_to_wait_for(t, self->job_id, &ids) : 0;
	struct sweeper_request req = {
		.after = ids, .n_after = n, .begin_delay_s = job->poll_interval_s,
		.pass_failed = pass_failed,
	};
	int rc = sweeper_chain(job, self->job_id, &req, outcome, job_id, err);

	free(ids);
	return rc;
}
