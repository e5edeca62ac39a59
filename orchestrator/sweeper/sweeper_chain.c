/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Queueing the next sweeper of a detached run (see sweeper_chain.h). */
#include "sweeper/sweeper_chain.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/util/jsonl_file.h"
#include "lib/util/shell_quote.h"
#include "lib/util/strbuf.h"
#include "lib/util/string_vec.h"
#include "plan/job_naming.h"
#include "plan/log_paths.h"
#include "plan/sbatch_command.h"
#include "slurm/slurm_commands.h"

bool sweeper_job_is_live(enum slurm_state state)
{
	/* COMPLETING: its work is done, it queues nothing more */
	return state >= SLURM_STATE_PENDING && state < SLURM_STATE_COMPLETED &&
	       state != SLURM_STATE_COMPLETING;
}

void sweeper_argv_free(char **argv)
{
	string_vec_free(argv);
}

/* "sh -c" text: exec scalable sweep --poll-interval Ns RUN_DIR, quoted. */
static char *wrap_command(const struct sweeper_job *job)
{
	struct strbuf sb = { 0 };
	char interval[32];
	int rc;

	snprintf(interval, sizeof interval, "%us", job->poll_interval_s);
	rc = strbuf_printf(&sb, "exec ");
	rc = rc ? rc : shell_quote(&sb, job->program);
	rc = rc ? rc : strbuf_printf(&sb, " sweep --poll-interval %s ", interval);
	rc = rc ? rc : shell_quote(&sb, job->run_dir);
	if (rc != 0) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_release(&sb);
}

char **sweeper_sbatch_argv(const struct sweeper_job *job, const uint32_t *after, size_t n_after,
			   unsigned begin_delay_s)
{
	char name[4096], comment[4096];  /* room for any project and run id */
	char *output = NULL, *wrap = wrap_command(job), **argv = NULL;
	char *run_dir = log_pattern_escape(job->run_dir);  /* a '%' in it is literal */
	struct sbatch_command cmd = {
		.job_name = name, .comment = comment,
		.ntasks = 1, .cpus_per_task = SWEEPER_CPUS,
		.mem = SWEEPER_MEMORY, .time = SWEEPER_TIME,
		.partition = job->partition, .account = job->account, .qos = job->qos,
		/* a sweeper preempted or on a failed node runs again: passes repeat safely */
		.requeue = true,
		.after = after, .n_after = n_after,
		.delayed = n_after == 0, .begin_delay_s = begin_delay_s,
		.wrap = wrap,
	};

	if (wrap && run_dir &&
	    job_naming_sweeper_name(job->project, job->run_id, name, sizeof name) == 0 &&
	    job_naming_comment(job->run_id, JOB_NAMING_SWEEPER_KEY, comment, sizeof comment) == 0 &&
	    asprintf(&output, "%s/logs/sweeper-%%j.out", run_dir) >= 0) {
		cmd.output = output;
		argv = sbatch_command_argv(&cmd);
	}
	free(run_dir);
	free(output);
	free(wrap);
	return argv;
}

/* The sweeper chain's lock, waited for: holders only queue a job. */
static int lock_chain(const struct sweeper_job *job, struct error *err)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/%s", job->run_dir, SWEEPER_LOCK_FILE);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		error_system(err, "cannot lock %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The sweeper jobs of this run that squeue lists (every job of the user). */
static int list_sweepers(const struct sweeper_job *job, struct slurm_jobs *mine,
			 struct error *err)
{
	struct slurm_jobs all = { 0 };
	int rc = slurm_squeue(NULL, 0, 0, &all, err) == SLURM_OK ? 0 : -1;

	for (size_t i = 0; rc == 0 && i < all.count; i++) {
		const char *key = job_naming_key_in_comment(all.items[i].comment, job->run_id);

		if (key && !strcmp(key, JOB_NAMING_SWEEPER_KEY) &&
		    !slurm_jobs_add_copy(mine, &all.items[i])) {
			error_system(err, "reading squeue's answer");
			rc = -1;
		}
	}
	slurm_jobs_free(&all);
	return rc;
}

static bool recorded(const struct sweeper_state *s, uint32_t job_id)
{
	for (size_t i = 0; i < s->n_job_ids; i++)
		if (s->job_ids[i] == job_id)
			return true;
	return false;
}

/* The newest sweeper's intent had no answer: the job squeue lists that no
 * record names (the newest such), else absent. */
static int settle_uncertain(int fd, const char *path, struct sweeper_state *s,
			    const struct slurm_jobs *sweepers, struct error *err)
{
	uint32_t found = 0;

	for (size_t i = 0; i < sweepers->count; i++)
		if (!recorded(s, sweepers->items[i].job_id) && sweepers->items[i].job_id > found)
			found = sweepers->items[i].job_id;
	if (sweeper_log_answer(fd, path, s->newest, found, NULL, err) != 0)
		return -1;
	s->state = found ? JOURNAL_SUBMITTED : JOURNAL_ABSENT;
	s->job_id = found;
	return 0;
}

/* Whether a sweeper newer than self is still queued or running. */
static bool superseded(const struct sweeper_state *s, uint32_t self,
		       const struct slurm_jobs *sweepers)
{
	if (s->state != JOURNAL_SUBMITTED || s->job_id == self)
		return false;
	for (size_t i = 0; i < sweepers->count; i++)
		if (sweepers->items[i].job_id == s->job_id &&
		    sweeper_job_is_live(sweepers->items[i].state))
			return true;
	return false;
}

/* sbatch said no, or did not answer in time: was a sweeper queued all the
 * same? One that squeue lists live and no record names; 0: none. */
static uint32_t queued_anyway(const struct sweeper_job *job, const struct sweeper_state *s,
			      uint32_t self)
{
	struct slurm_jobs sweepers = { 0 };
	struct error ignored;
	uint32_t found = 0;

	if (list_sweepers(job, &sweepers, &ignored) == 0)
		for (size_t i = 0; i < sweepers.count; i++)
			if (sweepers.items[i].job_id != self &&
			    !recorded(s, sweepers.items[i].job_id) &&
			    sweeper_job_is_live(sweepers.items[i].state))
				found = sweepers.items[i].job_id;
	slurm_jobs_free(&sweepers);
	return found;
}

/* Intent, sbatch, answer: one sweeper submitted (or refused). */
static int submit_one(const struct sweeper_job *job, int fd, const char *path,
		      const struct sweeper_state *s, uint32_t self, unsigned number,
		      const struct sweeper_request *req, unsigned failed_passes,
		      uint32_t *job_id, struct error *err)
{
	char **argv = sweeper_sbatch_argv(job, req->after, req->n_after, req->begin_delay_s);
	struct error why;
	int rc;

	if (!argv) {
		errno = ENOMEM;
		error_system(err, "cannot queue the sweeper");
		return -1;
	}
	rc = sweeper_log_intent(fd, path, number, req->after, req->n_after, req->begin_delay_s,
				failed_passes, err);
	if (rc == 0 && slurm_sbatch((const char *const *)argv, NULL, 0, job_id, err) == SLURM_OK) {
		rc = sweeper_log_answer(fd, path, number, *job_id, NULL, err);
	} else if (rc == 0 && (*job_id = queued_anyway(job, s, self)) != 0) {
		rc = sweeper_log_answer(fd, path, number, *job_id, NULL, err);
	} else if (rc == 0) {
		why = *err;
		if (sweeper_log_answer(fd, path, number, 0, why.text, err) == 0)
			*err = why;
		rc = -1;
	}
	sweeper_argv_free(argv);
	return rc;
}

/* The chain's state, settled with squeue when it is in doubt. */
static int read_settled(const struct sweeper_job *job, int fd, const char *path, uint32_t self,
			struct sweeper_state *s, struct slurm_jobs *sweepers, struct error *err)
{
	if (sweeper_log_read(job->run_dir, s, err) != 0)
		return -1;
	/* squeue only when the log leaves a question: normally self is the newest */
	if (s->newest && (s->state == JOURNAL_UNCERTAIN ||
			  (s->state == JOURNAL_SUBMITTED && s->job_id != self))) {
		if (list_sweepers(job, sweepers, err) != 0)
			return -1;
		if (s->state == JOURNAL_UNCERTAIN &&
		    settle_uncertain(fd, path, s, sweepers, err) != 0)
			return -1;
	}
	return 0;
}

static int chain_locked(const struct sweeper_job *job, int fd, const char *path, uint32_t self,
			const struct sweeper_request *req, enum sweeper_outcome *outcome,
			uint32_t *job_id, struct error *err)
{
	struct sweeper_state s;
	struct slurm_jobs sweepers = { 0 };
	unsigned failed_passes;
	int rc;

	if (read_settled(job, fd, path, self, &s, &sweepers, err) != 0) {
		slurm_jobs_free(&sweepers);
		sweeper_state_free(&s);
		return -1;
	}
	failed_passes = req->pass_failed ? s.failed_passes + 1 : 0;
	rc = 0;
	if (superseded(&s, self, &sweepers)) {
		*outcome = SWEEPER_SUPERSEDED;
	} else if (failed_passes > SWEEPER_MAX_FAILED_PASSES) {
		*outcome = SWEEPER_GAVE_UP;
	} else {
		*outcome = SWEEPER_QUEUED;
		rc = submit_one(job, fd, path, &s, self, s.newest + 1, req, failed_passes, job_id,
				err);
		if (rc != 0 && req->n_after) {
			/* one of the jobs may have left Slurm's memory: wait a while instead */
			struct sweeper_request later = *req;

			later.n_after = 0;
			rc = submit_one(job, fd, path, &s, self, s.newest + 2, &later, failed_passes,
					job_id, err);
		}
	}
	slurm_jobs_free(&sweepers);
	sweeper_state_free(&s);
	return rc;
}

int sweeper_chain(const struct sweeper_job *job, uint32_t self,
		  const struct sweeper_request *req, enum sweeper_outcome *outcome,
		  uint32_t *job_id, struct error *err)
{
	char path[4096];
	int lock = lock_chain(job, err), fd, rc;

	*job_id = 0;
	if (lock < 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", job->run_dir, SWEEPER_LOG_FILE);
	fd = jsonl_open_append(path, err);
	rc = fd < 0 ? -1 : chain_locked(job, fd, path, self, req, outcome, job_id, err);
	if (fd >= 0)
		close(fd);
	close(lock);  /* releases the lock */
	return rc;
}
