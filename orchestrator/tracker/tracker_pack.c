/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Packed array tasks in the tracker (see tracker.h, "Packs"): the pack's
 * own events and job records, and the settling of the scenarios it left
 * open when it ended. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "step_event.h"
#include "tracker/tracker_impl.h"

static uint64_t pack_key(uint32_t array_job_id, uint32_t array_task_id)
{
	return (uint64_t)array_job_id << 32 | array_task_id;
}

static struct tracked_pack *new_pack(struct tracker *t, uint32_t array_job_id,
				     uint32_t array_task_id)
{
	struct tracked_pack *p = calloc(1, sizeof *p);

	if (t->n_packs == t->cap_packs) {
		size_t cap = t->cap_packs ? 2 * t->cap_packs : 64;
		struct tracked_pack **grown = realloc(t->all_packs, cap * sizeof *grown);

		if (!grown) {
			free(p);
			return NULL;
		}
		t->all_packs = grown;
		t->cap_packs = cap;
	}
	if (!p || u64_map_put(&t->packs, pack_key(array_job_id, array_task_id), p) != 0) {
		free(p);
		return NULL;
	}
	p->array_job_id = array_job_id;
	p->array_task_id = array_task_id;
	p->exit_code = p->signal = -1;
	p->elapsed_s = -1;
	p->oom_kill_count = p->time_limit_s = p->max_rss_bytes = -1;
	t->all_packs[t->n_packs++] = p;
	return p;
}

int tracker_pack_add(struct tracker *t, const struct tracker_submission *s, size_t pos,
		     struct task_attempt *a)
{
	uint32_t task = (uint32_t)(pos / s->pack);
	struct tracked_pack *p;
	struct task_attempt **grown;

	a->packed = true;
	if (s->array_job_id == 0)
		return 0;
	tracker_count_open(t, a, false);  /* a member is an attempt of the array too */
	a->array_job_id = s->array_job_id;
	a->array_task_id = task;
	tracker_count_open(t, a, true);
	p = u64_map_get(&t->packs, pack_key(s->array_job_id, task));
	if (!p && !(p = new_pack(t, s->array_job_id, task)))
		return -1;
	for (size_t i = 0; i < p->n_members; i++)
		if (p->members[i] == a)
			return 0;
	grown = realloc(p->members, (p->n_members + 1) * sizeof *grown);
	if (!grown)
		return -1;
	p->members = grown;
	p->members[p->n_members++] = a;
	return 0;
}

struct tracked_pack *tracker_pack_of(const struct tracker *t, uint32_t array_job_id,
				     uint32_t array_task_id, uint32_t job_id)
{
	struct tracked_pack *p = NULL;

	if (array_job_id && array_task_id != UINT32_MAX)
		p = u64_map_get(&t->packs, pack_key(array_job_id, array_task_id));
	return p || !job_id ? p : u64_map_get(&t->pack_jobs, job_id);
}

/* Remembers the pack's job id (for events and records that carry only it). */
static int index_job(struct tracker *t, struct tracked_pack *p, uint32_t job_id,
		     struct error *err)
{
	if (job_id == 0 || p->job_id == job_id)
		return 0;
	p->job_id = job_id;
	for (size_t i = 0; i < p->n_members; i++)
		if (!task_state_is_final(p->members[i]->state))
			p->members[i]->job_id = job_id;
	if (u64_map_put(&t->pack_jobs, job_id, p) == 0)
		return 0;
	errno = ENOMEM;
	error_system(err, "cannot track job %u", job_id);
	return -1;
}

int tracker_pack_requeued(struct tracker *t, struct tracked_pack *p, unsigned restart_count,
			  const char *timestamp, struct error *err)
{
	if (restart_count <= p->restart_count)
		return 0;
	p->restart_count = restart_count;
	p->batch_ended = p->settled = false;
	p->gone_polls = 0;
	p->exit_code = p->signal = -1;
	p->elapsed_s = -1;
	p->oom_kill_count = p->max_rss_bytes = -1;
	p->inferred_cause[0] = '\0';
	for (size_t i = 0; i < p->n_members; i++) {
		struct task_attempt *m = p->members[i];

		/* what ended on its own stays as it ended (the runner skips it);
		 * what the pack's end settled goes on, unless already submitted
		 * again as a newer attempt */
		if (task_state_is_final(m->state) && (!m->pack_settled || !m->latest))
			continue;
		m->started = m->not_started = m->pack_settled = false;
		if (attempt_requeued(t, m, restart_count, timestamp, err) != 0)
			return -1;
	}
	return 0;
}

/* A member that started and never ended takes what ended its pack. */
static void take_pack_end(struct tracker *t, struct task_attempt *m,
			  const struct tracked_pack *p)
{
	tracker_tally(t, m, false);
	m->end_seen = true;
	tracker_tally(t, m, true);
	if (m->exit_code < 0)
		m->exit_code = p->exit_code;
	if (m->signal < 0)
		m->signal = p->signal;
	m->duration_s = p->elapsed_s;
	m->oom_kill_count = p->oom_kill_count;
	if (m->max_rss_bytes < 0)
		m->max_rss_bytes = p->max_rss_bytes;   /* the pack's: an upper bound */
	if (p->time_limit_s > 0)
		m->time_limit_s = p->time_limit_s;
	if (!m->node[0])
		snprintf(m->node, sizeof m->node, "%s", p->node);
	snprintf(m->inferred_cause, sizeof m->inferred_cause, "%s", p->inferred_cause);
}

/* The pack ended: its members not final either take its failure (they
 * started) or never ran. Its record file is read first, for the records the
 * event reader has not come to yet. */
static int settle_members(struct tracker *t, struct tracked_pack *p, const char *timestamp,
			  struct error *err)
{
	if (tracker_pack_read_records(t, p, err) != 0)
		return -1;
	for (size_t i = 0; i < p->n_members; i++) {
		struct task_attempt *m = p->members[i];
		int rc = 0;

		if (task_state_is_final(m->state))
			continue;
		m->pack_settled = true;
		if (m->started) {
			take_pack_end(t, m, p);
			rc = attempt_failed(t, m, timestamp, err);
		} else {
			rc = attempt_not_started(t, m, timestamp, err);
		}
		if (rc != 0)
			return -1;
	}
	p->settled = true;
	return 0;
}

static void note_batch(struct tracked_pack *p, const struct step_event_fields *f)
{
	if (f->node)
		snprintf(p->node, sizeof p->node, "%s", f->node);
	if (f->time_limit_s.value > 0)
		p->time_limit_s = f->time_limit_s.value;
}

int tracker_pack_step(struct tracker *t, struct tracked_pack *p,
		      const struct step_event_fields *f, struct error *err)
{
	int64_t restarts = f->restart_count.value;
	unsigned restart = restarts > 0 ? (unsigned)restarts : 0;

	if (index_job(t, p, f->job_id, err) != 0)
		return -1;
	if (restart < p->restart_count)
		return 0;  /* from a run Slurm has requeued since */
	if (tracker_pack_requeued(t, p, restart, f->timestamp, err) != 0)
		return -1;
	if (!f->step_id.set || f->step_id.value != STEP_ID_BATCH)
		return 0;
	note_batch(p, f);
	if (strcmp(f->event, "end") != 0 || p->batch_ended)
		return 0;
	p->batch_ended = true;
	p->exit_code = (int)f->exit_code.value;
	p->signal = (int)f->signal.value;
	p->elapsed_s = f->elapsed_s.value;
	p->oom_kill_count = f->oom_kill_count.value;
	p->max_rss_bytes = f->max_rss_bytes.value;
	snprintf(p->inferred_cause, sizeof p->inferred_cause, "%s",
		 f->inferred_cause ? f->inferred_cause : "");
	/* elsewhere Slurm's final state settles it (the pack may be requeued) */
	return t->settle_on_end_event ? settle_members(t, p, f->timestamp, err) : 0;
}

/* Slurm's word on the ended pack: cancelled, or its members settle. */
static int settle_by_record(struct tracker *t, struct tracked_pack *p,
			    const struct job_record *r, struct error *err)
{
	if (p->exit_code < 0)
		p->exit_code = r->exit_code;
	if (p->signal < 0)
		p->signal = r->signal;
	if (p->elapsed_s < 0)
		p->elapsed_s = r->elapsed_s;
	if (!p->node[0])
		snprintf(p->node, sizeof p->node, "%s", r->node);
	for (size_t i = 0; i < p->n_members; i++) {
		struct task_attempt *m = p->members[i];

		if (task_state_is_final(m->state))
			continue;
		snprintf(m->slurm_state, sizeof m->slurm_state, "%s", r->state);
		snprintf(m->slurm_reason, sizeof m->slurm_reason, "%s", r->reason);
		if (r->max_rss_bytes > m->max_rss_bytes && m->started)
			m->max_rss_bytes = r->max_rss_bytes;
		if (job_state_is(r->state, "CANCELLED") &&
		    attempt_cancelled(t, m, NULL, err) != 0)
			return -1;
	}
	return settle_members(t, p, NULL, err);
}

bool tracker_pack_open(const struct tracked_pack *p)
{
	for (size_t i = 0; i < p->n_members; i++)
		if (!task_state_is_final(p->members[i]->state))
			return true;
	return false;
}

int tracker_pack_record(struct tracker *t, struct tracked_pack *p, const struct job_record *r,
			bool gone, enum tracker_silence silence, struct error *err)
{
	enum job_phase phase = job_record_phase(r);

	if (index_job(t, p, r->job_id, err) != 0)
		return -1;
	if ((r->restarts >= 0 && (unsigned)r->restarts < p->restart_count) || !tracker_pack_open(p))
		return 0;
	if (!gone && phase != JOB_PHASE_ENDED) {
		p->gone_polls = 0;
		return 0;
	}
	if (phase != JOB_PHASE_ENDED && !(!r->state[0] && silence == TRACKER_SILENCE_FINAL) &&
	    ++p->gone_polls < TRACKER_GONE_POLLS)
		return 0;
	return settle_by_record(t, p, r, err);
}
