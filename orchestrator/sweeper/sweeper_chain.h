/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sweeper chain of a detached run (`scalable submit`): at any time one
 * small job, the sweeper, is queued to run `scalable sweep RUN_DIR` once
 * the run's jobs have ended (sbatch --dependency=afterany:ID:ID...) or
 * after a delay (--begin=now+N). Each sweeper does one pass over the run
 * and queues the next, until the run is closed.
 *
 * The chain has its own write-ahead log, <run_dir>/sweepers.jsonl (the
 * journal's way: the intent written and fsynced before sbatch runs, its
 * answer after), kept under its own lock, <run_dir>/.sweepers.lock, not
 * the run's: a sweeper turned away by the run's lock (`scalable watch`
 * follows the run) still queues its successor, so the chain outlives the
 * watcher, and journal.jsonl keeps its one writer.
 *
 * Records (event_type "sweeper", schema_version, record, timestamp):
 *   intent         sweeper (1, 2, ...), after [job ids], begin_delay_s,
 *                  failed_passes (consecutive passes that failed before it)
 *   submitted      sweeper, job_id
 *   submit_failed  sweeper, error
 *   absent         sweeper: its intent had no answer and squeue has no
 *                  such job (the submitter died before or in sbatch)
 *
 * One sweeper at a time: a sweeper queues a successor only when it is the
 * newest the log knows, or when the newest has left the queue without
 * queueing one. A sweeper job carries --comment=scalable:<run_id>:sweeper,
 * which no chunk key can equal, so it is never taken for a task, and an
 * unanswered intent is settled by looking for that comment in squeue. Its
 * environment holds no SCALABLE_RUN_DIR: the plugin does not record it.
 *
 * Tests: orchestrator/sweeper/test/test_sweeper.c. */
#ifndef SCALABLE_SWEEPER_CHAIN_H
#define SCALABLE_SWEEPER_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/error.h"
#include "rundir/journal.h"
#include "slurm/slurm_job.h"

#define SWEEPER_LOG_FILE "sweepers.jsonl"
#define SWEEPER_LOCK_FILE ".sweepers.lock"
#define SWEEPER_SCHEMA_VERSION 1
/* Small: a pass reads files and asks Slurm twice. */
#define SWEEPER_CPUS 1u
#define SWEEPER_MEMORY "512M"
#define SWEEPER_TIME "00:15:00"
/* Consecutive passes that may fail (Slurm down, sbatch refusing a wave)
 * before the chain stops and leaves the run to `scalable watch`. */
#define SWEEPER_MAX_FAILED_PASSES 3u

/* The chain as its log says. */
struct sweeper_state {
	unsigned newest;          /* the newest sweeper's number; 0: none yet */
	enum journal_state state; /* the newest's */
	uint32_t job_id;          /* the newest's, when submitted; else 0 */
	unsigned failed_passes;   /* as the newest's intent carried */
	uint32_t *job_ids;        /* every sweeper submitted, in order */
	size_t n_job_ids;
};

/* Replays <run_dir>/sweepers.jsonl (missing: no sweeper yet). */
int sweeper_log_read(const char *run_dir, struct sweeper_state *out, struct error *err);
void sweeper_state_free(struct sweeper_state *state);
/* Appends one record (see above) durably to the log open at fd. */
int sweeper_log_intent(int fd, const char *path, unsigned sweeper, const uint32_t *after,
		       size_t n_after, unsigned begin_delay_s, unsigned failed_passes,
		       struct error *err);
int sweeper_log_answer(int fd, const char *path, unsigned sweeper, uint32_t job_id,
		       const char *error, struct error *err);  /* job_id 0: error ? failed : absent */

/* Where and how sweepers run. */
struct sweeper_job {
	const char *run_dir, *run_id, *project;
	const char *partition, *account, *qos;  /* NULL: the cluster's defaults */
	const char *program;                    /* scalable, an absolute path */
	unsigned poll_interval_s;               /* passed on: each sweeper's delay */
};

/* What the next sweeper waits for. */
struct sweeper_request {
	const uint32_t *after;    /* afterany on these (array) jobs ... */
	size_t n_after;
	unsigned begin_delay_s;   /* ... or, with none, --begin=now+this */
	bool pass_failed;         /* this pass failed: counts toward giving up */
};

/* The sbatch command line of a sweeper (built by plan/sbatch_command.h;
 * NULL-terminated, malloc'd; free with sweeper_argv_free); NULL when out
 * of memory. */
char **sweeper_sbatch_argv(const struct sweeper_job *job, const uint32_t *after, size_t n_after,
			   unsigned begin_delay_s);
void sweeper_argv_free(char **argv);

enum sweeper_outcome {
	SWEEPER_QUEUED,       /* *job_id: the next sweeper */
	SWEEPER_SUPERSEDED,   /* a newer sweeper is queued already: nothing done */
	SWEEPER_GAVE_UP,      /* too many failed passes in a row: nothing queued */
};

/* Queues the next sweeper, as above. self: this process's own sweeper job
 * (0: none, e.g. `scalable submit`). When sbatch fails, a sweeper squeue
 * lists all the same (sbatch timed out) is recorded as the one submitted;
 * otherwise a refused dependency (a job Slurm no longer knows) is tried
 * once more as a delay. Returns 0, or
 * -1 with err (the intent then answered submit_failed). */
int sweeper_chain(const struct sweeper_job *job, uint32_t self,
		  const struct sweeper_request *req, enum sweeper_outcome *outcome,
		  uint32_t *job_id, struct error *err);

/* What a sweeper knows of its own job (SLURM_JOB_ID, SLURM_JOB_PARTITION,
 * SLURM_JOB_ACCOUNT, SLURM_JOB_QOS), read before the environment is
 * cleaned; zero and empty outside a job. */
struct sweeper_self {
	uint32_t job_id;
	char partition[128], account[128], qos[128];
};
void sweeper_self_read(struct sweeper_self *self);
/* Removes what must not reach the jobs sbatch submits from here
 * (--export=ALL): the SCALABLE_* variables of a task (with
 * SCALABLE_RUN_DIR the plugin would record a sweeper as a task) and the
 * SLURM_* ones of the job this runs in (SLURM_CONF kept). */
void sweeper_clean_environment(void);
/* This program's absolute path, from /proc/self/exe (self_exe.h: the
 * binary now at that path when an upgrade replaced it). */
int sweeper_program(char *buf, size_t len, struct error *err);

/* True while a job in this state may still run (queued, running, held). */
bool sweeper_job_is_live(enum slurm_state state);

#endif
