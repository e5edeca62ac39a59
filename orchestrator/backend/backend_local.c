/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The local backend: a run's chunks as child processes of this orchestrator
 * (local_executor.h). Its tasks cannot outlive it sensibly: nobody would
 * write their end events. */
#include "backend/backend_impl.h"

#include <errno.h>
#include <stdlib.h>

#include "lib/util/interrupt.h"
#include "lib/util/string_vec.h"
#include "plan/job_naming.h"
#include "plan/wave_script.h"
#include "monotonic.h"

/* How long a burst of task ends is gathered before the follow loop reads it. */
#define LOCAL_BURST_MS 50u

/* Tasks cancelled before they started leave no events: say so to the tracker. */
static void on_task(const struct local_task_report *r, void *arg)
{
	struct backend *b = arg;
	struct job_record *rec;

	if (r->phase != LOCAL_TASK_DROPPED)
		return;
	if (b->n_dropped == b->cap_dropped) {
		size_t cap = b->cap_dropped ? 2 * b->cap_dropped : 64;
		struct job_record *grown = realloc(b->dropped, cap * sizeof *grown);

		if (!grown)
			return;  /* the task then settles as gone, not cancelled */
		b->dropped = grown;
		b->cap_dropped = cap;
	}
	rec = &b->dropped[b->n_dropped++];
	job_record_cancelled(rec, r->job_id, r->array_job_id, r->array_task_id);
}

int backend_local_open(struct backend *b, struct error *err)
{
	const struct target *target = b->o.target;
	struct local_executor_options o = {
		.run_dir = b->run_dir,
		.concurrency = target ? target->local_concurrency : 0,
		.memory_limit_bytes = target ? target->local_memory_bytes : 0,
		.walltime_s = target ? target->walltime_s : 0,
		.on_task = on_task,
		.on_task_arg = b,
	};

	b->executor = local_executor_new(&o);
	if (!b->executor) {
		error_system(err, "cannot start the local executor in %s", b->run_dir);
		return -1;
	}
	return 0;
}

static int local_submit(struct backend *b, const struct plan *plan,
			const struct plan_group *group, const struct plan_chunk *chunk,
			uint32_t *job_id, struct error *err)
{
	char name[JOURNAL_KEY_MAX + 256];
	size_t *ids = calloc(chunk->n_array, sizeof *ids);
	struct local_chunk lc = {
		.argv = chunk->argv, .env = chunk->env, .array_task_ids = ids, .n = chunk->n_array,
		.array_job_id = b->next_job_id, .job_name = name,
		.cpus_per_task = group->resources.cpus,
		.throttle = plan->target->throttle,
		.memory_limit_bytes = group->resources.memory_bytes,
		.walltime_s = group->resources.walltime_s,
		.begin_delay_s = group->begin_delay_s,
		.output_pattern = chunk->output,
	};
	/* one scenario per task: each gets its line (a pack's runner reads the file) */
	char **lines = chunk->n_array == chunk->count ? wave_task_env(plan, group, chunk) : NULL;
	int rc = -1;

	lc.task_env = lines;
	if (ids && job_naming_chunk_name(b->project, b->run_id, plan->wave, group->name,
					 chunk->offset, name, sizeof name) == 0) {
		/* a pack's tasks share one array task id */
		for (size_t i = 0, n = 0; i < chunk->count && n < chunk->n_array; i++)
			if (i == 0 || plan_array_task_id(group, chunk, i) != ids[n - 1])
				ids[n++] = plan_array_task_id(group, chunk, i);
		rc = local_executor_submit(b->executor, &lc);
	}
	if (rc != 0) {
		error_system(err, "cannot queue %s's tasks locally", group->name);
	} else {
		*job_id = b->next_job_id;
		b->next_job_id += (uint32_t)chunk->n_array;
		b->local_left += chunk->n_array;
	}
	free(ids);
	string_vec_free(lines);
	return rc;
}

/* Runs the tasks until one ends (or ms pass), then on for at most
 * LOCAL_BURST_MS: short tasks end in bursts, and the follow loop reads the
 * events of a whole burst at once instead of once per task. */
static void local_wait(struct backend *b, unsigned ms)
{
	int64_t until;

	if (b->local_left == 0) {
		interrupt_sleep_ms(ms);
		return;
	}
	b->local_left = local_executor_run_once(b->executor, (int)ms);
	until = monotonic_ms() + (ms < LOCAL_BURST_MS ? ms : LOCAL_BURST_MS);
	for (int64_t left; b->local_left && interrupt_count() == 0 &&
			   (left = until - monotonic_ms()) > 0;)
		b->local_left = local_executor_run_once(b->executor, (int)left);
}

/* Cancelled-before-start tasks, then, once nothing runs here any more,
 * every attempt still open: its process died with an earlier orchestrator
 * (or never wrote its end), so it settles as gone. */
static int local_poll(struct backend *b, struct tracker *t, struct error *err)
{
	struct tracker_poll p = { .silence = TRACKER_SILENCE_FINAL };
	uint32_t *ids = NULL;
	int rc;

	if (b->n_dropped) {
		rc = tracker_apply_jobs(t, b->dropped, b->n_dropped, err);
		b->n_dropped = 0;
		if (rc != 0)
			return -1;
	}
	if (b->local_left > 0)
		return 0;
	p.n_polled = tracker_jobs_to_poll(t, &ids);
	p.polled = ids;
	rc = p.n_polled ? tracker_apply_poll(t, &p, err) : 0;
	free(ids);
	return rc;
}

static int local_cancel(struct backend *b, const uint32_t *ids, size_t n,
			struct error *err)
{
	(void)ids;
	(void)n;
	(void)err;
	local_executor_cancel(b->executor);
	return 0;
}

static bool local_busy(const struct backend *b)
{
	return b->local_left > 0;
}

/* An unanswered local submission died with its orchestrator: nothing ran. */
static int local_find_chunk(struct backend *b, const struct journal_submission *s,
			    uint32_t *job_id, struct error *err)
{
	(void)b;
	(void)s;
	(void)job_id;
	(void)err;
	return 0;
}

const struct backend_ops backend_local_ops = {
	.submit = local_submit,
	.wait = local_wait,
	.poll = local_poll,
	.cancel = local_cancel,
	.busy = local_busy,
	.find_chunk = local_find_chunk,
};
