/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Slurm's view of the jobs into the tracker (see tracker.h, job_record.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker/tracker_impl.h"

/* The pack of the record's array task, or NULL. */
static struct tracked_pack *pack_of(const struct tracker *t, const struct job_record *r)
{
	bool in_array = r->is_array && r->array_task_id != JOB_RECORD_NO_TASK;

	return tracker_pack_of(t, in_array ? r->array_job_id : 0,
			       in_array ? r->array_task_id : UINT32_MAX, r->job_id);
}

static struct task_attempt *attempt_of(const struct tracker *t, const struct job_record *r)
{
	struct task_attempt *a = NULL;

	if (r->is_array && r->array_task_id != JOB_RECORD_NO_TASK)
		a = tracker_by_array(t, r->array_job_id, r->array_task_id);
	return a || r->job_id == 0 ? a : tracker_by_job(t, r->job_id);
}

/* Folds what Slurm measured into what the events did not say. */
static void take_usage(struct task_attempt *a, const struct job_record *r)
{
	if (a->exit_code < 0)
		a->exit_code = r->exit_code;
	if (a->signal < 0)
		a->signal = r->signal;
	if (a->duration_s < 0)
		a->duration_s = r->elapsed_s;
	if (r->max_rss_bytes > a->max_rss_bytes)
		a->max_rss_bytes = r->max_rss_bytes;
	if (r->node[0] && !a->node[0])
		snprintf(a->node, sizeof a->node, "%s", r->node);
}

/* The job ended, or left without a word: the attempt's final state. */
static int settle(struct tracker *t, struct task_attempt *a, const struct job_record *r,
		  struct error *err)
{
	take_usage(a, r);
	if (job_state_is(r->state, "CANCELLED"))
		return attempt_cancelled(t, a, NULL, err);
	/* a failed end event outweighs a COMPLETED that says otherwise */
	if (job_state_is(r->state, "COMPLETED") && !a->end_seen)
		return attempt_succeeded(t, a, NULL, err);
	return attempt_failed(t, a, NULL, err);
}

/* Whether a job gone from squeue is to be settled now: with a final state
 * at once; without one (accounting that lags, is stuck, or does not know
 * the job yet) after TRACKER_GONE_POLLS polls in a row, unless silence is
 * final here (the local target: nothing lags). */
static bool settles_now(struct task_attempt *a, const struct job_record *r,
			enum job_phase phase, enum tracker_silence silence)
{
	if (phase == JOB_PHASE_ENDED || (!r->state[0] && silence == TRACKER_SILENCE_FINAL))
		return true;
	return ++a->gone_polls >= TRACKER_GONE_POLLS;
}

/* gone: the record is read as gone from squeue (r->gone for tracker_apply_jobs). */
static int apply_record(struct tracker *t, struct task_attempt *a, const struct job_record *r,
			bool gone, enum tracker_silence silence, struct error *err)
{
	enum job_phase phase = job_record_phase(r);

	if (r->restarts >= 0 && (unsigned)r->restarts < a->restart_count)
		return 0;  /* sacct -D lists the runs before a requeue too */
	if (task_state_is_final(a->state))
		return 0;
	if (phase == JOB_PHASE_ENDED) {
		snprintf(a->slurm_state, sizeof a->slurm_state, "%s", r->state);
		snprintf(a->slurm_reason, sizeof a->slurm_reason, "%s", r->reason);
	}
	if (gone || phase == JOB_PHASE_ENDED)
		return gone && !settles_now(a, r, phase, silence) ? 0 : settle(t, a, r, err);
	a->gone_polls = 0;
	if (phase == JOB_PHASE_RUNNING) {
		/* ending, not starting: after a requeue, COMPLETING is the run
		 * before it being cleaned up while the next one waits */
		if (job_state_is(r->state, "COMPLETING"))
			return 0;
		if (r->node[0])
			snprintf(a->node, sizeof a->node, "%s", r->node);
		return attempt_running(t, a, NULL, err);
	}
	/* a later stage's task Slurm holds in vain: run_stages.c settles it */
	if (phase == JOB_PHASE_QUEUED && !strcmp(r->reason, "DependencyNeverSatisfied"))
		snprintf(a->slurm_reason, sizeof a->slurm_reason, "%s", r->reason);
	return 0;
}

static int remember_job(struct tracker *t, struct task_attempt *a, uint32_t job_id,
			struct error *err)
{
	if (tracker_index_job(t, a, job_id) == 0)
		return 0;
	errno = ENOMEM;
	error_system(err, "cannot track job %u", job_id);
	return -1;
}

/* First pass: requeues, so that records of the runs before them are seen
 * as old whatever order they come in. */
static int apply_requeues(struct tracker *t, const struct job_record *jobs, size_t n,
			  struct error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct tracked_pack *p = pack_of(t, &jobs[i]);
		struct task_attempt *a = p ? NULL : attempt_of(t, &jobs[i]);

		if (p && jobs[i].restarts > 0 &&
		    tracker_pack_requeued(t, p, (unsigned)jobs[i].restarts, NULL, err) != 0)
			return -1;
		if (!a || jobs[i].restarts <= 0)
			continue;
		if (remember_job(t, a, jobs[i].job_id, err) != 0 ||
		    attempt_requeued(t, a, (unsigned)jobs[i].restarts, NULL, err) != 0)
			return -1;
	}
	return 0;
}

/* One list of a poll's records, read as gone (1), as in the queue (0), or
 * as each record says (-1). */
struct record_list {
	const struct job_record *items;
	size_t n;
	int gone;
};

/* A record of a packed array task goes to its pack, which speaks for all
 * its members; any other to its attempt. */
static int apply_one(struct tracker *t, const struct job_record *r, bool gone,
		     enum tracker_silence silence, struct error *err)
{
	struct tracked_pack *p = pack_of(t, r);
	struct task_attempt *a = p ? NULL : attempt_of(t, r);

	if (p)
		return tracker_pack_record(t, p, r, gone, silence, err);
	if (a && (remember_job(t, a, r->job_id, err) != 0 ||
		  apply_record(t, a, r, gone, silence, err) != 0))
		return -1;
	return 0;
}

/* Requeues first, in every list, so that records of the runs before them
 * are seen as old whatever order they come in; then the records, in order. */
static int apply_lists(struct tracker *t, const struct record_list *lists, size_t n_lists,
		       enum tracker_silence silence, struct error *err)
{
	for (size_t k = 0; k < n_lists; k++)
		if (apply_requeues(t, lists[k].items, lists[k].n, err) != 0)
			return -1;
	for (size_t k = 0; k < n_lists; k++) {
		for (size_t i = 0; i < lists[k].n; i++) {
			const struct job_record *r = &lists[k].items[i];
			bool gone = lists[k].gone < 0 ? r->gone : lists[k].gone;

			if (apply_one(t, r, gone, silence, err) != 0)
				return -1;
		}
	}
	return tracker_retry_orphans(t, err);
}

int tracker_apply_jobs(struct tracker *t, const struct job_record *jobs, size_t n,
		       struct error *err)
{
	struct record_list all = { jobs, n, -1 };

	return apply_lists(t, &all, 1, TRACKER_SILENCE_FINAL, err);
}

/* A pack is mentioned once for all its members: each counts as seen. */
static void see_pack(const struct tracker *t, const struct tracked_pack *p)
{
	for (size_t i = 0; i < p->n_members; i++)
		p->members[i]->poll_seen = t->poll_seq;
}

/* The attempts a poll's records mention, stamped with the poll's number
 * (no copy of the records, no set of them). */
static void mark_seen(struct tracker *t, const struct job_record *records, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tracked_pack *p = pack_of(t, &records[i]);
		struct task_attempt *a = p ? NULL : attempt_of(t, &records[i]);

		if (p)
			see_pack(t, p);
		else if (a)
			a->poll_seen = t->poll_seq;
	}
}

/* One "gone without a word" record for each open attempt of a polled array
 * that the poll did not mention (one for a whole pack). */
struct vanished_list {
	struct job_record *records;
	size_t count, capacity;
};

static int vanished_add(struct vanished_list *v, const struct task_attempt *a)
{
	struct job_record *r;

	if (v->count == v->capacity) {
		size_t cap = v->capacity ? 2 * v->capacity : 64;
		struct job_record *grown = realloc(v->records, cap * sizeof *grown);

		if (!grown)
			return -1;
		v->records = grown;
		v->capacity = cap;
	}
	r = &v->records[v->count++];
	job_record_init(r);
	r->job_id = a->job_id;
	r->array_job_id = a->array_job_id;
	r->array_task_id = a->array_task_id;
	r->is_array = true;
	r->gone = true;
	return 0;
}

static int compare_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* Whether a is open, was polled, and went unmentioned. */
static bool vanished(const struct tracker *t, const struct task_attempt *a,
		     const uint32_t *polled, size_t n_polled)
{
	return a && !task_state_is_final(a->state) && a->array_job_id &&
	       a->poll_seen != t->poll_seq &&
	       bsearch(&a->array_job_id, polled, n_polled, sizeof *polled, compare_u32);
}

static int collect_vanished(const struct tracker *t, struct vanished_list *v,
			    const uint32_t *polled, size_t n_polled)
{
	for (size_t i = 0; i < t->n_all; i++) {
		for (unsigned k = 0; k < t->all[i]->n_attempts; k++) {
			const struct task_attempt *a = t->all[i]->attempts[k];
			struct tracked_pack *p;

			if (!vanished(t, a, polled, n_polled))
				continue;
			if (vanished_add(v, a) != 0)
				return -1;
			p = a->packed ? pack_of(t, &v->records[v->count - 1]) : NULL;
			if (p)
				see_pack(t, p);  /* its one record speaks for the others */
		}
	}
	return 0;
}

/* The attempts (or packs) of the poll's "gone without a word" records that
 * are still open: held for accounting. */
static void count_held(const struct tracker *t, const struct vanished_list *v,
		       struct tracker_poll *p)
{
	for (size_t i = 0; i < v->count; i++) {
		const struct tracked_pack *pack = pack_of(t, &v->records[i]);
		const struct task_attempt *a = pack ? NULL : attempt_of(t, &v->records[i]);
		bool open = pack ? tracker_pack_open(pack) : a && !task_state_is_final(a->state);
		unsigned polls = pack ? pack->gone_polls : a ? a->gone_polls : 0;

		if (!open)
			continue;
		p->held++;
		if (polls > p->held_polls)
			p->held_polls = polls;
	}
}

int tracker_apply_poll(struct tracker *t, struct tracker_poll *p, struct error *err)
{
	struct vanished_list v = { 0 };
	uint32_t *sorted = malloc((p->n_polled + 1) * sizeof *sorted);
	int rc = -1;

	p->held = 0;
	p->held_polls = 0;
	if (++t->poll_seq == 0)
		t->poll_seq = 1;  /* 0 is "never seen" */
	mark_seen(t, p->queued, p->n_queued);
	mark_seen(t, p->ended, p->n_ended);
	if (sorted) {
		memcpy(sorted, p->polled, p->n_polled * sizeof *sorted);
		qsort(sorted, p->n_polled, sizeof *sorted, compare_u32);
	}
	if (!sorted || (p->silence != TRACKER_SILENCE_NO_EVIDENCE &&
			collect_vanished(t, &v, sorted, p->n_polled) != 0)) {
		errno = ENOMEM;
		error_system(err, "cannot apply Slurm's answer");
	} else {
		struct record_list lists[] = { { p->queued, p->n_queued, 0 },
					       { p->ended, p->n_ended, 1 },
					       { v.records, v.count, 1 } };

		if ((rc = apply_lists(t, lists, 3, p->silence, err)) == 0)
			count_held(t, &v, p);
	}
	free(sorted);
	free(v.records);
	return rc;
}
