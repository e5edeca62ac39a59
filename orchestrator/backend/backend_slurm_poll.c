/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One poll of Slurm for a whole run: ONE squeue for every open job of the
 * run, then ONE sacct (scontrol without accounting, or while sacct cannot
 * reach slurmdbd) for the arrays that have open attempts squeue no longer
 * lists. Never one call per task. A task neither mentions is held for
 * accounting (tracker.h, enum tracker_silence). */
#include <stdlib.h>
#include <string.h>

#include "backend/backend_impl.h"
#include "slurm/slurm_commands.h"
#include "lib/util/u64_map.h"

static uint64_t task_key(uint32_t array_job_id, uint32_t array_task_id)
{
	return (uint64_t)array_job_id << 32 | array_task_id;
}

/* The array tasks squeue listed. */
static int listed_tasks(const struct slurm_jobs *queued, struct u64_map *listed)
{
	for (size_t i = 0; i < queued->count; i++) {
		const struct slurm_job *j = &queued->items[i];

		if (j->array_task_id != SLURM_NO_ARRAY_TASK &&
		    u64_map_put(listed, task_key(j->array_job_id, j->array_task_id),
				(void *)j) != 0)
			return -1;
	}
	return 0;
}

struct missing_scan {
	const struct u64_map *listed;
	struct u64_map arrays;     /* array job ids with an open attempt not listed */
	uint32_t *ids;
	size_t n;
	bool failed;
};

static void note_missing(const struct task_attempt *a, bool latest, void *ctx)
{
	struct missing_scan *m = ctx;

	if (!latest || task_state_is_final(a->state) || !a->array_job_id || m->failed ||
	    u64_map_get(m->listed, task_key(a->array_job_id, a->array_task_id)) ||
	    u64_map_get(&m->arrays, a->array_job_id))
		return;
	if (u64_map_put(&m->arrays, a->array_job_id, (void *)a) != 0) {
		m->failed = true;
		return;
	}
	m->ids[m->n++] = a->array_job_id;
}

/* Slurm's word on the jobs that left the queue: sacct, else (no accounting,
 * or sacct cannot reach slurmdbd this poll) scontrol. *silence: what it
 * means that the answer does not mention a task. */
static int ask_accounting(struct backend *b, const uint32_t *ids, size_t n,
			  struct slurm_jobs *all, enum tracker_silence *silence,
			  struct error *err)
{
	int status = SLURM_NO_ACCOUNTING;

	if (!b->accounting_missing)
		status = slurm_sacct(ids, n, b->o.since - 60, 0, all, err);
	if (status == SLURM_NO_ACCOUNTING && !b->accounting_missing) {
		b->accounting_missing = true;
		backend_note(b, "this cluster keeps no accounting (sacct): final states "
				    "come from `scontrol show job` while Slurm remembers the jobs");
	} else if (status == SLURM_ACCOUNTING_DOWN && !b->accounting_down) {
		backend_note(b, "sacct cannot reach the accounting database; asking scontrol "
				    "instead, and settling nothing it does not know until sacct "
				    "answers again");
	}
	if (status == SLURM_ACCOUNTING_DOWN || (status == SLURM_OK && !b->accounting_missing))
		b->accounting_down = status == SLURM_ACCOUNTING_DOWN;
	/* scontrol forgets jobs after MinJobAge: its silence proves nothing
	 * while slurmdbd is down, and is all there is without accounting */
	*silence = status == SLURM_ACCOUNTING_DOWN ? TRACKER_SILENCE_NO_EVIDENCE
		   : b->polls_once ? TRACKER_SILENCE_FINAL : TRACKER_SILENCE_GRACE;
	if (status == SLURM_NO_ACCOUNTING || status == SLURM_ACCOUNTING_DOWN) {
		slurm_jobs_free(all);
		status = slurm_scontrol_jobs(ids, n, 0, all, err);
	}
	return status;
}

/* What left the queue (ask_accounting); the records of tasks squeue still
 * lists are dropped. */
static int ask_ended(struct backend *b, const uint32_t *ids, size_t n,
		     const struct u64_map *listed, struct slurm_jobs *ended,
		     enum tracker_silence *silence, struct error *err)
{
	struct slurm_jobs all = { 0 };
	int status = ask_accounting(b, ids, n, &all, silence, err);

	for (size_t i = 0; status == SLURM_OK && i < all.count; i++) {
		const struct slurm_job *j = &all.items[i];

		if (j->array_task_id != SLURM_NO_ARRAY_TASK &&
		    u64_map_get(listed, task_key(j->array_job_id, j->array_task_id)))
			continue;
		if (!slurm_jobs_add_copy(ended, j)) {
			error_system(err, "reading Slurm's answer");
			status = SLURM_FAILED;
		}
	}
	slurm_jobs_free(&all);
	return status == SLURM_OK ? 0 : -1;
}

/* Slurm's records as the tracker reads them; NULL when out of memory. */
static struct job_record *to_records(const struct slurm_jobs *jobs, bool gone)
{
	struct job_record *r = calloc(jobs->count + 1, sizeof *r);

	for (size_t i = 0; r && i < jobs->count; i++)
		job_record_from_slurm_job(&jobs->items[i], gone, &r[i]);
	return r;
}

/* Applies squeue's and sacct's answers, silence saying what it means that
 * they do not mention a task; says so when tasks are held for accounting. */
static int apply(struct backend *b, struct tracker *t, const uint32_t *ids, size_t n,
		 const struct slurm_jobs *queued, const struct slurm_jobs *ended,
		 enum tracker_silence silence, struct error *err)
{
	struct job_record *q = to_records(queued, false), *e = to_records(ended, true);
	struct tracker_poll p = {
		.polled = ids, .n_polled = n, .queued = q, .n_queued = queued->count,
		.ended = e, .n_ended = ended->count, .silence = silence,
	};
	int rc = -1;

	if (!q || !e)
		error_system(err, "reading Slurm's answer");
	else
		rc = tracker_apply_poll(t, &p, err);
	if (rc == 0 && p.held)
		backend_note(b, "%zu task%s left the queue and accounting does not know %s "
				"yet; waiting (poll %u of %d)", p.held, p.held == 1 ? "" : "s",
			     p.held == 1 ? "it" : "them", p.held_polls, TRACKER_GONE_POLLS);
	free(q);
	free(e);
	return rc;
}

/* The arrays with open attempts squeue did not list, and what Slurm says
 * of them; *silence is TRACKER_SILENCE_NO_EVIDENCE when accounting could
 * not say (sacct and scontrol both failed, or slurmdbd is down). */
static int poll_ended(struct backend *b, const struct tracker *t, size_t n_polled,
		      const struct u64_map *listed, struct slurm_jobs *ended,
		      enum tracker_silence *silence, struct error *err)
{
	struct missing_scan m = { .listed = listed };
	int rc = 0;

	*silence = b->polls_once ? TRACKER_SILENCE_FINAL : TRACKER_SILENCE_GRACE;
	m.ids = malloc((n_polled + 1) * sizeof *m.ids);
	if (!m.ids) {
		error_system(err, "polling Slurm");
		return -1;
	}
	tracker_foreach(t, note_missing, &m);
	if (m.failed) {
		error_system(err, "polling Slurm");
		rc = -1;
	} else if (m.n && ask_ended(b, m.ids, m.n, listed, ended, silence, err) != 0) {
		backend_note(b, "%s; settling nothing gone from squeue this poll", err->text);
		slurm_jobs_free(ended);
		*silence = TRACKER_SILENCE_NO_EVIDENCE;
	}
	u64_map_free(&m.arrays);
	free(m.ids);
	return rc;
}

/* squeue lists a job that has just ended for a while (MinJobAge), but with
 * no exit code: its end is left to sacct (or scontrol), which has one, so
 * that an exit 65 or 75 is classed as such when no step event says it. */
static void drop_ended(struct slurm_jobs *queued)
{
	size_t kept = 0;

	for (size_t i = 0; i < queued->count; i++) {
		if (slurm_state_is_final(queued->items[i].state))
			slurm_job_free(&queued->items[i]);
		else
			queued->items[kept++] = queued->items[i];
	}
	queued->count = kept;
}

int backend_slurm_poll(struct backend *b, struct tracker *t, struct error *err)
{
	struct slurm_jobs queued = { 0 }, ended = { 0 };
	struct u64_map listed = { 0 };
	uint32_t *ids = NULL;
	size_t n = tracker_jobs_to_poll(t, &ids);
	enum tracker_silence silence;
	int rc = 0;

	if (n == 0) {
		free(ids);
		return 0;
	}
	if (slurm_squeue(ids, n, 0, &queued, err) != SLURM_OK) {
		/* slurmctld busy or restarting: ask again next poll, settle nothing */
		if (!b->squeue_failing)
			backend_note(b, "%s; asking again at the next poll", err->text);
		b->squeue_failing = true;
	} else {
		b->squeue_failing = false;
		drop_ended(&queued);
		rc = listed_tasks(&queued, &listed) != 0 ? -1 :
		     poll_ended(b, t, n, &listed, &ended, &silence, err);
		if (rc == 0)
			rc = apply(b, t, ids, n, &queued, &ended, silence, err);
	}
	u64_map_free(&listed);
	slurm_jobs_free(&queued);
	slurm_jobs_free(&ended);
	free(ids);
	return rc;
}
