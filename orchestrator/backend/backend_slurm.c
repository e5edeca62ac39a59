/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Slurm backend: one sbatch per chunk, one scancel for a run, and a
 * chunk whose submission went unanswered looked for by its key (the job
 * comment in squeue, else the job name in sacct). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/interrupt.h"
#include "plan/job_naming.h"
#include "rfc3339.h"
#include "backend/backend_impl.h"
#include "slurm/slurm_commands.h"
#include "slurm/slurm_fields.h"
#include "slurm/slurm_invoke.h"

/* sbatch retries by itself while slurmctld cannot take a job (its queue is
 * at MaxJobCount, or it is busy): 15 times, sleeping 1, 2, ... 15 s, then it
 * gives up with a message slurm_limits.h knows. Waiting that out gets a
 * clear answer; killing it sooner leaves a submission in doubt. */
#define SBATCH_TIMEOUT_S 300u

static int slurm_submit(struct backend *b, const struct plan *plan,
			const struct plan_group *group, const struct plan_chunk *chunk,
			uint32_t *job_id, struct error *err)
{
	(void)b;
	(void)plan;
	(void)group;
	int status = slurm_sbatch((const char *const *)chunk->argv,
				  (const char *const *)chunk->env, SBATCH_TIMEOUT_S,
				  job_id, err);

	return status == SLURM_OK ? 0 : status == SLURM_LIMIT ? 1 : -1;
}

static void slurm_wait(struct backend *b, unsigned ms)
{
	(void)b;
	interrupt_sleep_ms(ms);
}

static int slurm_cancel(struct backend *b, const uint32_t *ids, size_t n,
			struct error *err)
{
	(void)b;
	return slurm_scancel(ids, n, 0, err) == SLURM_OK ? 0 : -1;
}

static int slurm_cancel_tasks(struct backend *b, const struct backend_array_task *tasks,
			      size_t n, struct error *err)
{
	struct slurm_array_task *ids = calloc(n + 1, sizeof *ids);
	int rc;

	(void)b;
	if (!ids) {
		error_system(err, "scancel");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = (struct slurm_array_task){ tasks[i].array_job_id, tasks[i].array_task_id };
	rc = slurm_scancel_array_tasks(ids, n, 0, err) == SLURM_OK ? 0 : -1;
	free(ids);
	return rc;
}

static bool slurm_busy(const struct backend *b)
{
	(void)b;
	return false;  /* the jobs run on the cluster, not here */
}

/* The job in squeue whose comment carries the key: every job of the user. */
static int find_by_comment(struct backend *b, const char *key, uint32_t *job_id,
			   struct error *err)
{
	struct slurm_jobs jobs = { 0 };
	int rc = slurm_squeue(NULL, 0, 0, &jobs, err) == SLURM_OK ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < jobs.count && !*job_id; i++) {
		const char *k = job_naming_key_in_comment(jobs.items[i].comment, b->run_id);

		if (k && strcmp(k, key) == 0)
			*job_id = jobs.items[i].array_job_id ? jobs.items[i].array_job_id
							     : jobs.items[i].job_id;
	}
	slurm_jobs_free(&jobs);
	return rc;
}

/* sacct's -S: a little before the intent, as "now-Nseconds". */
static void since_intent(const char *intent_at, char *buf, size_t len)
{
	struct timespec then = { 0 };
	int64_t ago = 7 * 86400;

	if (intent_at && rfc3339_parse(intent_at, &then) == 0)
		ago = (int64_t)(time(NULL) - then.tv_sec) + 600;
	snprintf(buf, len, "now-%" PRId64 "seconds", ago > 600 ? ago : 600);
}

/* The job (array) id on the first line of sacct's "JobID" column. */
static void first_job_id(const char *text, uint32_t *job_id)
{
	char id[32];
	size_t n = text ? strcspn(text, "_.\n") : 0;

	if (n == 0 || n >= sizeof id)
		return;
	memcpy(id, text, n);
	id[n] = '\0';
	if (!slurm_parse_job_id(id, job_id))
		*job_id = 0;
}

/* The job named after the chunk in accounting (it left squeue long ago). */
static int find_by_name(struct backend *b, const struct journal_submission *s,
			uint32_t *job_id, struct error *err)
{
	char name[JOURNAL_KEY_MAX + 256], start[64], *name_opt = NULL;
	const char *argv[] = { "sacct", "-n", "-P", "-X", "-S", start, NULL, "-o", "JobID",
			       NULL };
	struct command_result r;
	int rc;

	if (b->accounting_missing)
		return 0;
	if (job_naming_chunk_name(b->project, b->run_id, s->wave, s->group, s->offset, name,
				  sizeof name) != 0 ||
	    asprintf(&name_opt, "--name=%s", name) < 0) {
		error_system(err, "looking for %s", s->key);
		return -1;
	}
	since_intent(s->intent_at, start, sizeof start);
	argv[6] = name_opt;
	rc = slurm_invoke(argv, slurm_read_env, 0, &r, err);
	if (rc == 0)
		first_job_id(r.out.text, job_id);
	else if (r.end == COMMAND_EXITED && slurm_sacct_failure(r.err.text) == SLURM_NO_ACCOUNTING)
		rc = 0;  /* nothing to search: squeue's word stands */
	command_result_free(&r);
	free(name_opt);
	return rc;
}

static int slurm_find_chunk(struct backend *b, const struct journal_submission *s,
			    uint32_t *job_id, struct error *err)
{
	if (find_by_comment(b, s->key, job_id, err) != 0)
		return -1;
	return *job_id ? 0 : find_by_name(b, s, job_id, err);
}

const struct backend_ops backend_slurm_ops = {
	.submit = slurm_submit,
	.wait = slurm_wait,
	.poll = backend_slurm_poll,
	.cancel = slurm_cancel,
	.cancel_tasks = slurm_cancel_tasks,
	.busy = slurm_busy,
	.find_chunk = slurm_find_chunk,
};
