/* SPDX-License-Identifier: GPL-2.0-or-later */
/* journal.jsonl: the write-ahead log of submissions, which makes them
 * idempotent across crashes. Every record is one line, appended with one
 * write(2) and fdatasync()ed before the call returns.
 *
 * Records (event_type "journal", schema_version, record, timestamp, ...):
 *   intent        key, wave, group, component, offset, array, tasks
 *                 [[index, attempt], ...], resources {cpus, memory_bytes,
 *                 walltime_s}, begin_delay_s; added: pack (scenarios per
 *                 array task, only when above 1): written BEFORE sbatch runs
 *   submitted     key, job_id: sbatch answered with this (array) job id
 *   submit_failed key, error: sbatch said no; nothing was queued
 *   absent        key: after a crash, Slurm was searched for the key and
 *                 has no such job; the chunk may be submitted again
 *   deferred      key, error: sbatch refused it for a site's limit on queued
 *                 jobs; nothing was queued, nothing failed: the chunk is
 *                 submitted again later under the same key (a new intent)
 *   wave_done     wave: every chunk of the wave was answered
 *   closed        status: the run ended
 * The key "<wave>/<group>/<offset>" names one chunk of one wave; put it in
 * the job's comment (job_naming.h: --comment=scalable:<run_id>:<key>) so
 * that a chunk whose intent has no answer (the orchestrator died while
 * sbatch ran) can be looked for in Slurm before anything is submitted again.
 *
 * journal_intent refuses a key that is submitted or uncertain: the same
 * chunk of the same wave is never submitted twice. */
#ifndef SCALABLE_JOURNAL_H
#define SCALABLE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/error.h"
#include "plan/job_naming.h"
#include "plan/plan.h"

#define JOURNAL_SCHEMA_VERSION 1
#define JOURNAL_FILE "journal.jsonl"
#define JOURNAL_KEY_MAX JOB_NAMING_KEY_MAX

enum journal_state {
	JOURNAL_UNCERTAIN,       /* an intent with no answer: look in Slurm */
	JOURNAL_SUBMITTED,       /* job_id is known */
	JOURNAL_SUBMIT_FAILED,   /* sbatch refused it: not queued */
	JOURNAL_ABSENT,          /* looked for after a crash, not found: not queued */
	JOURNAL_DEFERRED,        /* refused for a site's limit: not queued, to submit later */
};

/* One chunk submission as the journal last described it. */
struct journal_submission {
	char *key, *wave, *group, *component, *array;
	size_t offset;
	struct plan_task *tasks;
	size_t n_tasks;
	unsigned pack;            /* scenarios per array task; 1: not packed */
	struct resources resources;
	uint64_t begin_delay_s;
	enum journal_state state;
	uint32_t job_id;          /* 0 unless submitted */
	char *error;              /* submit_failed, deferred: what sbatch said */
	char *intent_at;          /* the intent's timestamp */
};

/* What replaying the journal gives. */
struct journal_replay {
	struct journal_submission *submissions;   /* in intent order */
	size_t count;
	char **waves_done;
	size_t n_waves_done;
	unsigned last_wave;       /* highest wave number seen ("w003" -> 3); 0: none */
	bool closed;
	char *closed_status;
	size_t skipped_lines;     /* torn or unreadable lines */
};

/* What a chunk submission is about to be. */
struct journal_intent {
	const char *wave, *group, *component;
	size_t offset;
	const char *array;        /* the --array value */
	const struct plan_task *tasks;
	size_t n_tasks;
	unsigned pack;            /* scenarios per array task; 0 or 1: not packed */
	struct resources resources;
	uint64_t begin_delay_s;
};

struct journal;

/* "w%03u". */
void journal_wave_name(unsigned number, char *buf, size_t len);

/* Replays <run_dir>/journal.jsonl (a missing file is an empty journal). */
int journal_replay(const char *run_dir, struct journal_replay *out, struct error *err);
void journal_replay_free(struct journal_replay *replay);
const struct journal_submission *journal_find(const struct journal_replay *replay,
					      const char *key);
bool journal_wave_is_done(const struct journal_replay *replay, const char *wave);
/* Submissions in state UNCERTAIN, into a malloc'd array of pointers into replay. */
size_t journal_uncertain(const struct journal_replay *replay,
			 const struct journal_submission ***out);

/* Opens the journal for appending; replays it first, so the writer knows
 * every key (journal_state gives what it knows, kept current). */
int journal_open(const char *run_dir, struct journal **out, struct error *err);
const struct journal_replay *journal_state(const struct journal *j);
void journal_close(struct journal *j);

/* Writes the intent; key_out (JOURNAL_KEY_MAX) receives its key. Fails
 * with EEXIST text when the chunk is submitted or uncertain. */
int journal_intent(struct journal *j, const struct journal_intent *intent, char *key_out,
		   struct error *err);
int journal_submitted(struct journal *j, const char *key, uint32_t job_id, struct error *err);
int journal_submit_failed(struct journal *j, const char *key, const char *why,
			  struct error *err);
int journal_absent(struct journal *j, const char *key, struct error *err);
int journal_deferred(struct journal *j, const char *key, const char *why, struct error *err);
int journal_wave_done(struct journal *j, const char *wave, struct error *err);
int journal_closed(struct journal *j, const char *status, struct error *err);

#endif
