/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the orchestrator asks of Slurm's commands, and how often.
 *
 * The rule: one sbatch per array chunk, and per poll for a whole run ONE
 * squeue and at most ONE sacct (or, without accounting, ONE scontrol), never
 * one per task. Every call finds its program on PATH, so a benchmark can
 * count calls through shims placed first on PATH. The command lines:
 *
 *   sbatch --parsable ...                      (the chunk's argv from plan.h)
 *   squeue -h -r --states=all --jobs=ID,ID,... -O SLURM_SQUEUE_FORMAT
 *   sacct -n -P -D --noconvert [-S SINCE] --jobs=ID,ID,... -o SLURM_SACCT_FORMAT
 *   scontrol -o show job                       (all jobs, filtered here)
 *   scancel ID ID ...
 *   sinfo -h -N -o '%N|%P'                     (once per run, at a node_fail)
 *
 * The read commands run with SLURM_TIME_FORMAT=%s (times as Unix seconds)
 * and SLURM_BITSTR_LEN=0 (array index expressions never cut). IDs are the
 * array job ids sbatch returned: Slurm matches every task of an array by it.
 *
 * Parsers are pure functions over the commands' text, so they are tested on
 * output captured from Slurm 22.05 (tests/fixtures/slurm/). */
#ifndef SCALABLE_SLURM_COMMANDS_H
#define SCALABLE_SLURM_COMMANDS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/util/error.h"
#include "slurm/slurm_job.h"

#define SLURM_DEFAULT_TIMEOUT_S 120u

/* -O fields: each ends with "|" (no padding with an empty width); the
 * comment, which a user may write anything into, comes last. */
#define SLURM_SQUEUE_FORMAT \
	"JobID:|,ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,NodeList:|,RestartCnt:|,Comment:|"
/* 22.05 has no restart count in sacct: -D lists each requeued run as its own
 * record, which gives it. MaxRSS is only on steps. */
#define SLURM_SACCT_FORMAT \
	"JobID,JobIDRaw,State,ExitCode,DerivedExitCode,Reason,NodeList,Submit,Start,End," \
	"ElapsedRaw,TimelimitRaw,ReqMem,MaxRSS"

enum slurm_status {
	SLURM_OK = 0,
	SLURM_FAILED = -1,             /* err says what happened */
	SLURM_NO_ACCOUNTING = -2,      /* sacct: this cluster keeps no accounting */
	SLURM_ACCOUNTING_DOWN = -3,    /* sacct: slurmdbd does not answer now */
	SLURM_LIMIT = -4,              /* sbatch: refused for a site's limit
					  (slurm_limits.h): not queued, try later */
};

/* Submits one chunk: argv is plan.h's chunk argv ("sbatch", ...), env its
 * extra environment. *job_id is the (array) job id. When sbatch times out
 * the job may still have been submitted: re-attach by the run tag. A
 * refusal for a limit on queued jobs (slurm_limits.h) is SLURM_LIMIT. */
int slurm_sbatch(const char *const *argv, const char *const *env, unsigned timeout_s,
		 uint32_t *job_id, struct error *err);

/* One squeue for all ids (n == 0: every job of the user, to find a run's
 * jobs by their comment). Array tasks come one record each, pending ones
 * included; recently ended jobs (MinJobAge) are listed with their state.
 * Records are appended to jobs. */
int slurm_squeue(const uint32_t *job_ids, size_t n, unsigned timeout_s,
		 struct slurm_jobs *jobs, struct error *err);

/* One sacct for all ids: one record per array task and per run (a requeued
 * task has one per restart), steps folded into their run (the largest
 * MaxRSS, a step's OUT_OF_MEMORY). since (Unix seconds; 0: none) leaves out
 * older jobs that reuse an id. Returns SLURM_NO_ACCOUNTING or
 * SLURM_ACCOUNTING_DOWN, distinctly, when sacct cannot answer: fall back to
 * slurm_scontrol_jobs and say so. */
int slurm_sacct(const uint32_t *job_ids, size_t n, int64_t since, unsigned timeout_s,
		struct slurm_jobs *jobs, struct error *err);

/* The fallback without accounting. 22.05's `scontrol show job` takes one id
 * per call, so this runs `scontrol -o show job` once for all jobs and keeps
 * the caller's (UserId) whose job or array job id is given (n == 0: all). Pending array
 * remainders are expanded into one record per task. */
int slurm_scontrol_jobs(const uint32_t *job_ids, size_t n, unsigned timeout_s,
			struct slurm_jobs *jobs, struct error *err);

/* One scancel for all ids; jobs that already ended are not an error. */
int slurm_scancel(const uint32_t *job_ids, size_t n, unsigned timeout_s, struct error *err);

/* One task of an array job. */
struct slurm_array_task {
	uint32_t array_job_id, array_task_id;
};
/* One scancel for the given array tasks, one argument per array job
 * (JOB_[1,5,9]; slurm_array_task_args), never one call per task. */
int slurm_scancel_array_tasks(const struct slurm_array_task *tasks, size_t n,
			      unsigned timeout_s, struct error *err);
/* scancel's arguments for tasks (any order, repeats allowed): one
 * "JOB_[T,T,...]" per array job, jobs and tasks in ascending order
 * (malloc'd, *n_args of them; NULL when out of memory). */
char **slurm_array_task_args(const struct slurm_array_task *tasks, size_t n, size_t *n_args);

/* The nodes of partition (NULL: the default one) as "n1,n2" (malloc'd; ""
 * when it has none), from one sinfo. */
int slurm_partition_nodes(const char *partition, unsigned timeout_s, char **nodes,
			  struct error *err);

/* Parsers (pure). On malformed text they fail with err naming the line. */
int slurm_parse_sbatch(const char *stdout_text, uint32_t *job_id, struct error *err);
int slurm_parse_squeue(const char *text, struct slurm_jobs *jobs, struct error *err);
int slurm_parse_sacct(const char *text, struct slurm_jobs *jobs, struct error *err);
/* scontrol's lines of uid's jobs only (its UserId); a line that holds a
 * key it reads twice (a job name saying "UserId=...") is left out. */
int slurm_parse_scontrol_jobs(const char *text, const uint32_t *job_ids, size_t n, uid_t uid,
			      struct slurm_jobs *jobs, struct error *err);
/* What sacct's stderr says about accounting: SLURM_NO_ACCOUNTING,
 * SLURM_ACCOUNTING_DOWN or SLURM_FAILED. */
enum slurm_status slurm_sacct_failure(const char *stderr_text);
/* sinfo -h -N -o '%N|%P' text: the nodes of partition (NULL: the one marked
 * default with '*'), each once, joined with commas (malloc'd). */
int slurm_parse_partition_nodes(const char *text, const char *partition, char **nodes,
				struct error *err);

#endif
