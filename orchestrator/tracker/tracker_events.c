/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Step events into the tracker (see tracker.h and docs/design.md "Events from
 * the node"). Events are read again from offset 0 after a re-attach, so
 * applying one twice must change nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "step_event.h"
#include "step_event_parse.h"
#include "tracker/tracker_impl.h"

/* The attempt an event belongs to: by array ids, else by the job id. */
static struct task_attempt *attempt_of(const struct tracker *t,
				       const struct step_event_fields *f)
{
	int64_t array_job = f->array_job_id.value, array_task = f->array_task_id.value;
	struct task_attempt *a = NULL;

	if (array_job > 0 && array_job <= UINT32_MAX && array_task >= 0 && array_task < UINT32_MAX)
		a = tracker_by_array(t, (uint32_t)array_job, (uint32_t)array_task);
	return a ? a : tracker_by_job(t, f->job_id);
}

static int keep_orphan(struct tracker *t, json_t *event)
{
	if (t->n_orphans == t->cap_orphans) {
		size_t cap = t->cap_orphans ? 2 * t->cap_orphans : 64;
		json_t **grown = realloc(t->orphans, cap * sizeof *grown);

		if (!grown)
			return -1;
		t->orphans = grown;
		t->cap_orphans = cap;
	}
	t->orphans[t->n_orphans++] = json_incref(event);
	return 0;
}

static int64_t larger(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* A step's end adds to what the attempt's run used (peak memory, OOM kills). */
static void fold_usage(struct task_attempt *a, const struct step_event_fields *f)
{
	int64_t oom_kills = f->oom_kill_count.value;

	a->max_rss_bytes = larger(a->max_rss_bytes, f->max_rss_bytes.value);
	if (oom_kills >= 0)
		a->oom_kill_count = (a->oom_kill_count > 0 ? a->oom_kill_count : 0) + oom_kills;
}

static void note_start(struct task_attempt *a, const struct step_event_fields *f)
{
	if (f->node)
		snprintf(a->node, sizeof a->node, "%s", f->node);
	if (f->time_limit_s.value > 0)
		a->time_limit_s = f->time_limit_s.value;
}

static bool is_step(const struct step_event_fields *f, uint32_t step_id)
{
	return f->step_id.set && f->step_id.value == step_id;
}

/* The batch step ended: success settles; a failure may wait for Slurm. */
static int batch_end(struct tracker *t, struct task_attempt *a,
		     const struct step_event_fields *f, struct error *err)
{
	if (a->end_seen)
		return 0;  /* the same line read again after a re-attach */
	note_start(a, f);
	fold_usage(a, f);
	tracker_tally(t, a, false);
	a->end_seen = true;
	tracker_tally(t, a, true);
	a->exit_code = (int)f->exit_code.value;
	a->signal = (int)f->signal.value;
	a->duration_s = f->elapsed_s.value;
	snprintf(a->inferred_cause, sizeof a->inferred_cause, "%s",
		 f->inferred_cause ? f->inferred_cause : "");
	snprintf(a->ended_at, sizeof a->ended_at, "%s", f->timestamp ? f->timestamp : "");
	if (f->exit_code.value == 0 && f->signal.value <= 0)
		return attempt_succeeded(t, a, f->timestamp, err);
	return t->settle_on_end_event ? attempt_failed(t, a, f->timestamp, err) : 0;
}

/* Applies an event whose attempt is known. */
static int apply_to(struct tracker *t, struct task_attempt *a,
		    const struct step_event_fields *f, struct error *err)
{
	int64_t restarts = f->restart_count.value;
	unsigned restart = restarts > 0 ? (unsigned)restarts : 0;

	if (tracker_index_job(t, a, f->job_id) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot track job %lld", (long long)f->job_id);
		return -1;
	}
	if (restart < a->restart_count)
		return 0;  /* from a run Slurm has requeued since */
	if (attempt_requeued(t, a, restart, f->timestamp, err) != 0)
		return -1;
	if (!strcmp(f->event, "sample") && !is_step(f, STEP_ID_EXTERN)) {
		tracker_note_sample(t, a, f);
		return 0;
	}
	if (task_state_is_final(a->state))
		return 0;
	if (!is_step(f, STEP_ID_BATCH)) {
		if (!strcmp(f->event, "end") && !is_step(f, STEP_ID_EXTERN))
			fold_usage(a, f);  /* srun steps inside the job */
		return 0;
	}
	if (!strcmp(f->event, "start")) {
		note_start(a, f);
		return attempt_running(t, a, f->timestamp, err);
	}
	return !strcmp(f->event, "end") ? batch_end(t, a, f, err) : 0;
}

/* The pack whose array task wrote the event, or NULL. */
static struct tracked_pack *pack_of(const struct tracker *t, const struct step_event_fields *f)
{
	int64_t array_job = f->array_job_id.value, array_task = f->array_task_id.value;
	bool in_array = array_job > 0 && array_job <= UINT32_MAX && array_task >= 0 &&
			array_task < UINT32_MAX;

	return tracker_pack_of(t, in_array ? (uint32_t)array_job : 0,
			       in_array ? (uint32_t)array_task : UINT32_MAX, f->job_id);
}

/* 1 applied, 0 kept for later (unknown job) or not ours, -1 error. */
static int apply_event(struct tracker *t, json_t *event, bool keep, struct error *err)
{
	struct step_event_fields f;
	struct tracked_pack *p;
	struct task_attempt *a;
	int scenario = tracker_apply_scenario(t, event, err);

	if (scenario == 2 && keep && keep_orphan(t, event) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot keep a scenario record");
		return -1;
	}
	if (scenario == 2)
		return 0;
	if (scenario != 0 || step_event_parse(event, &f) != 0 ||
	    (f.run_id && strcmp(f.run_id, t->run_id) != 0))
		return scenario;
	if ((p = pack_of(t, &f)) != NULL)
		return tracker_pack_step(t, p, &f, err) == 0 ? 1 : -1;
	if ((a = attempt_of(t, &f)) != NULL)
		return apply_to(t, a, &f, err) == 0 ? 1 : -1;
	if (keep && keep_orphan(t, event) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot keep an event of job %lld", (long long)f.job_id);
		return -1;
	}
	return 0;
}

int tracker_apply_event(struct tracker *t, json_t *event, struct error *err)
{
	return apply_event(t, event, true, err) < 0 ? -1 : 0;
}

int tracker_retry_orphans(struct tracker *t, struct error *err)
{
	size_t kept = 0;
	int rc = 0;

	for (size_t i = 0; i < t->n_orphans; i++) {
		int applied = rc == 0 ? apply_event(t, t->orphans[i], false, err) : 0;

		if (applied < 0)
			rc = -1;
		if (applied == 1)
			json_decref(t->orphans[i]);
		else
			t->orphans[kept++] = t->orphans[i];
	}
	t->n_orphans = kept;
	return rc;
}

struct poll_ctx {
	struct tracker *t;
	struct error *err;
	int rc;
};

static int on_event(const char *file_name, json_t *event, void *ctx)
{
	struct poll_ctx *p = ctx;

	(void)file_name;
	if (tracker_apply_event(p->t, event, p->err) != 0)
		p->rc = -1;
	return p->rc;  /* stop at the first error; the caller re-attaches to read it again */
}

/* "<job>.<step>.<restart>.jsonl" (after any directory): the job and restart. */
static bool file_ids(const char *name, unsigned long *job, unsigned long *restart)
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	const char *suffix = strstr(base, ".jsonl"), *dot;
	char *end;

	*job = strtoul(base, &end, 10);
	if (end == base || *end != '.' || !suffix)
		return false;
	for (dot = suffix; dot > end && dot[-1] != '.'; dot--)
		;
	*restart = strtoul(dot, &end, 10);
	return dot > base && dot[-1] == '.' && end == suffix && end > dot;
}

/* Whether a step's file can tell nothing new: its job's attempt is final
 * at that restart or a later one (what a re-attached tracker read back from
 * tasks.jsonl), so that the events of finished tasks are not read again at
 * a re-attach. */
static bool known_final(const char *name, void *ctx)
{
	const struct tracker *t = ctx;
	const struct task_attempt *a;
	unsigned long job, restart;

	if (!file_ids(name, &job, &restart) || job == 0 || job >= UINT32_MAX)
		return false;
	a = tracker_by_job(t, (uint32_t)job);
	if (a && a->packed) {  /* the pack's file: every member must be final */
		const struct tracked_pack *p =
			tracker_pack_of(t, a->array_job_id, a->array_task_id, (uint32_t)job);

		if (!p || tracker_pack_open(p))
			return false;
	}
	return a && task_state_is_final(a->state) && restart <= a->restart_count;
}

long tracker_poll_events(struct tracker *t, struct error *err)
{
	struct poll_ctx p = { t, err, 0 };
	long n;

	/* only the files there at a re-attach: a job id Slurm gave again
	 * later must not hide a new step */
	event_tree_skip_known(t->events, t->rebuilt ? known_final : NULL, t);
	n = event_tree_poll(t->events, on_event, &p);
	t->rebuilt = false;

	if (n < 0 && p.rc == 0)
		error_system(err, "cannot read %s/events", t->run_dir);
	return p.rc != 0 || n < 0 ? -1 : n;
}
