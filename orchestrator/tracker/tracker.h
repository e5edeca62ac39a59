/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tracker: the state of every task attempt of a run, and the only
 * writer of tasks.jsonl and failures.jsonl.
 *
 * Keys. An attempt is (component, scenario index, attempt number). It is
 * found from Slurm's ids through what was submitted: array job id + array
 * task id (index = array task id + the chunk's offset), and from the
 * per-task job id that step events and job records carry, remembered as
 * they arrive.
 *
 * Inputs.
 *  - Submissions (tracker_add_submission, from the journal): each task
 *    becomes `submitted`.
 *  - Step events (tracker_poll_events reads <run_dir>/events/; a file of a
 *    job whose attempt is already final at that restart, as a re-attached
 *    tracker read back from tasks.jsonl, is never opened): the batch
 *    step's start -> `running`; its end -> `succeeded` when it exited 0,
 *    else the attempt waits for Slurm's final state (or, with
 *    settle_on_end_event, is `failed` at once). A restart_count above the
 *    attempt's means Slurm requeued it: a `requeued` row, and the same
 *    attempt goes on (never a new attempt of ours).
 *  - Packs (a submission with pack > 1): the array task's step events and
 *    job records are the pack's; each scenario moves on its own scenario
 *    records (start -> `running`, end -> `succeeded` or `failed`, settled
 *    at once). When the pack ends (its batch step's end on the local
 *    target, Slurm's final state elsewhere), a scenario that started and
 *    never ended takes the array task's failure, and one that never
 *    started is `cancelled` with not_started set (no failure row): it
 *    goes back to the queue (tracker_not_started) without a retry
 *    policy counting it. A requeue of the pack moves on only the
 *    scenarios not yet final.
 *  - Job records (tracker_apply_poll, once per poll, job_record.h): RUNNING
 *    -> `running`; an ended job settles the attempt: COMPLETED ->
 *    `succeeded`, CANCELLED -> `cancelled`, anything else -> `failed` with
 *    Slurm's state. A job gone from squeue without a final state (Slurm's
 *    accounting lags, or does not know it yet) is held for
 *    TRACKER_GONE_POLLS polls, then `failed` too, so nothing stays running
 *    forever. Restarts above the attempt's -> `requeued`.
 * A failed attempt is classified (classify.h) from the end event, Slurm's
 * state and the tails of its logs; its failures.jsonl row is written before
 * its tasks.jsonl row.
 *
 * Exactly once. Each row moves an attempt forward: (restart_count, then
 * submitted/requeued < running < final). tracker_rebuild reads tasks.jsonl
 * and failures.jsonl back first, so after a crash the journal's submissions
 * and every event read again from offset 0 write only what is missing. */
#ifndef SCALABLE_TRACKER_H
#define SCALABLE_TRACKER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config_file.h"
#include "lib/util/error.h"
#include "failure_class.h"
#include "tracker/job_record.h"
#include "plan/plan.h"
#include "rfc3339.h"
#include "rundir/telemetry.h"

/* The retry module's decision about a failed attempt (retry/ is above
 * tracker/): the tracker only keeps it, plain data freed with free(), and
 * has it made JSON and read back through struct tracker_retry_hooks. */
struct retry_decision;

/* What the memory samples of an attempt's steps said while they ran
 * (docs/telemetry.md "Memory samples"; tracker_memory.c). n_samples 0: none. */
struct attempt_memory {
	size_t n_samples;
	double percent;                 /* the highest sampled */
	int64_t current_bytes;          /* at that sample */
	int64_t peak_bytes;             /* the highest peak_bytes (or current_bytes) sampled */
	int64_t limit_bytes;            /* at that sample */
	char node[64];                  /* where that sample was taken */
	/* the first sample at 80 % and at 90 % or more, and the last one; "": none */
	char above_80_at[RFC3339_BUFSZ], above_90_at[RFC3339_BUFSZ], last_at[RFC3339_BUFSZ];
};

/* One attempt as the tracker knows it (read-only outside the tracker). */
struct task_attempt {
	const char *component;
	size_t index;
	unsigned attempt;
	enum task_state state;          /* the last one written to tasks.jsonl */
	bool recorded;                  /* tasks.jsonl has a row of it */
	unsigned restart_count;         /* Slurm's requeues of this attempt */
	const char *wave;               /* NULL when unknown */
	struct resources requested;
	uint32_t job_id;                /* 0: not known yet */
	uint32_t array_job_id;          /* 0: not known */
	uint32_t array_task_id;
	char node[64];
	char slurm_state[32], slurm_reason[64];
	/* what the batch step's end (or Slurm) said; -1: unknown */
	double duration_s;
	int exit_code, signal;
	int64_t max_rss_bytes, oom_kill_count, time_limit_s;
	char inferred_cause[16];
	char ended_at[RFC3339_BUFSZ];
	bool end_seen;                  /* the batch step's end event came */
	/* polls in a row it was gone from squeue and accounting gave no final
	 * state (called it pending or running, or did not know it); squeue
	 * listing it again resets it */
	unsigned gone_polls;
	/* once failed */
	enum failure_class failure_class;
	char *error_type, *error_message;
	struct retry_decision *retry;   /* as decided; NULL: none (details.retry null) */
	bool failure_written;
	bool latest;                    /* the highest-numbered attempt of its task */
	/* packing: the attempt ran as one of the scenarios of a packed array
	 * task (array_job_id/array_task_id are the pack's); started: its own
	 * start record came (this restart); not_started: its pack ended before
	 * it began, so it is `cancelled` without having run, and goes back to
	 * the queue as a new attempt that no retry policy counts */
	bool packed, started, not_started;
	bool pack_settled;              /* settled by its pack's end, not its own */
	struct tracker_skip *skip;      /* skipped: why (its row's upstream); NULL: not */
	unsigned poll_seen;             /* the tracker's own: the last poll that named it */
	struct attempt_memory memory;   /* its memory samples */
};

/* Why a task is skipped, owned by its attempt (upstream points into it). */
struct tracker_skip {
	struct task_upstream upstream;
	char component[128], state[16], failure_class[32];
};

/* What the orchestrator decides about a failed attempt: malloc'd, or NULL
 * for none. */
typedef struct retry_decision *(*tracker_retry_decider)(const struct task_attempt *failed,
							 void *ctx);
/* failures.jsonl's details.retry for a decision: a new reference, NULL when
 * out of memory. */
typedef json_t *(*tracker_retry_writer)(const struct retry_decision *d, void *ctx);
/* The decision details.retry holds, read back by tracker_rebuild for the
 * failed attempt a: malloc'd, or NULL when it is none of ours. */
typedef struct retry_decision *(*tracker_retry_reader)(const json_t *retry,
							const struct task_attempt *a,
							void *ctx);

/* The decisions kept as they are in memory; JSON only at failures.jsonl.
 * All three hooks or none (no decisions), with one ctx. */
struct tracker_retry_hooks {
	tracker_retry_decider decide;
	tracker_retry_writer write;
	tracker_retry_reader read;
	void *ctx;
};

/* Told of an attempt right after its `succeeded` row is written (not while
 * rows are read back): what the cache stores. -1 (err set) stops the caller. */
typedef int (*tracker_success_hook)(const struct task_attempt *succeeded, void *ctx,
				    struct error *err);
/* Asked when an attempt exited 0, before its `succeeded` row is written
 * (not while rows are read back): *missing a new JSON array of the outputs
 * it did not write (rundir/task_outputs.h), or NULL when all are there; a
 * missing one makes the attempt `failed`, class output_missing. -1 (err
 * set) stops the caller. */
typedef int (*tracker_outputs_hook)(const struct task_attempt *ended, void *ctx,
				    json_t **missing, struct error *err);
/* The file a row was just written to (tracker_row_hook). */
enum tracker_row { TRACKER_TASK_ROW, TRACKER_FAILURE_ROW };
/* Told right after a row reaches tasks.jsonl or failures.jsonl, before the
 * tracker goes on: the orchestrator's crash test seam counts rows here. */
typedef void (*tracker_row_hook)(enum tracker_row row, void *ctx);

struct tracker_options {
	const char *run_dir, *run_id;   /* required */
	const char *provider;           /* "slurm" or "local" */
	const struct classify_rule *rules;  /* the config's classify rules */
	size_t n_rules;
	/* true where no scheduler has a say after the step (local target): a
	 * failed end event settles the attempt at once */
	bool settle_on_end_event;
	struct tracker_retry_hooks retry;    /* optional */
	tracker_success_hook on_success;     /* optional */
	void *on_success_ctx;
	tracker_outputs_hook check_outputs;  /* optional */
	void *check_outputs_ctx;
	tracker_row_hook on_row;             /* optional */
	void *on_row_ctx;
	/* for readers without the run's lock (`scalable status`): the state is
	 * rebuilt and moved on from events and job records as usual, but
	 * nothing is written */
	bool read_only;
	int layout;                     /* run.json's layout: where logs are (log_paths.h) */
};

/* One chunk that was submitted (from the journal's submitted record). */
struct tracker_submission {
	const char *component, *wave;
	size_t offset;                  /* array task id = index - offset */
	const struct plan_task *tasks;
	size_t n_tasks;
	/* scenarios per array task (0 or 1: not packed): array task id =
	 * position / pack, and the pack's scenarios settle from their own
	 * records (docs/telemetry.md "Scenario records") */
	unsigned pack;
	struct resources resources;
	uint32_t array_job_id;
	const char *timestamp;          /* NULL: now */
};

/* Polls a job gone from squeue without a final state is held before it is
 * settled as failed (see enum tracker_silence). */
#define TRACKER_GONE_POLLS 3

struct tracker;

/* Opens tasks.jsonl and failures.jsonl of the run for appending (unless
 * read_only). */
struct tracker *tracker_new(const struct tracker_options *options, struct error *err);
void tracker_free(struct tracker *t);

/* Reads tasks.jsonl and failures.jsonl back (re-attach); call first. */
int tracker_rebuild(struct tracker *t, struct error *err);

int tracker_add_submission(struct tracker *t, const struct tracker_submission *s,
			   struct error *err);
/* A scenario skipped because an earlier run succeeded with the same content
 * key: this attempt (1 in a new run; the next one in a resumed run) is
 * `cached`. */
int tracker_add_cached(struct tracker *t, const char *component, size_t index,
		       unsigned attempt, struct error *err);

/* A later stage's scenario not run because its upstream task (why, copied)
 * failed: this attempt (new, or one still queued that was cancelled in
 * Slurm before it ran) is `skipped`, with error_type upstream_failed and a
 * message naming the upstream and its class. */
int tracker_add_skipped(struct tracker *t, const char *component, size_t index,
			unsigned attempt, const struct task_upstream *why, struct error *err);

/* Reads what is new in events/ and applies it; returns the events read or -1. */
long tracker_poll_events(struct tracker *t, struct error *err);
/* What went unread in events/ (docs/telemetry.md, "What else a task may
 * leave there"): true, with a line for the user in text, when there is
 * something not said yet: the first entry refused or line skipped, then
 * again only when that count has doubled since it was last said. */
bool tracker_events_trouble(struct tracker *t, char *text, size_t len);
/* Applies one step event (what tracker_poll_events does per line). */
int tracker_apply_event(struct tracker *t, json_t *event, struct error *err);
/* Applies job records outside a poll (cancelled tasks, local drops). A job
 * gone from squeue settles its attempt when Slurm gives a final state, or
 * none at all (state ""); one that accounting still calls pending or
 * running is believed for TRACKER_GONE_POLLS polls, then settled as failed
 * all the same. */
int tracker_apply_jobs(struct tracker *t, const struct job_record *jobs, size_t n,
		       struct error *err);

/* What it tells that a poll mentions an open attempt of a polled array
 * nowhere: the attempt is "gone without a word". */
enum tracker_silence {
	/* it is gone: failed at once (the local target, where nothing lags) */
	TRACKER_SILENCE_FINAL,
	/* accounting may not know it yet (slurmctld hands job records to
	 * slurmdbd asynchronously): failed once it went unmentioned for
	 * TRACKER_GONE_POLLS polls in a row (gone_polls, in memory: a
	 * process that polls once cannot count it) */
	TRACKER_SILENCE_GRACE,
	/* accounting could not be asked (slurmdbd down, scontrol answered and
	 * forgets jobs after MinJobAge): no evidence, nothing settled or
	 * counted */
	TRACKER_SILENCE_NO_EVIDENCE,
};

/* One poll's whole answer, and what it left held. */
struct tracker_poll {
	const uint32_t *polled;         /* the array job ids asked about */
	size_t n_polled;                /* (from tracker_jobs_to_poll) */
	const struct job_record *queued;  /* squeue's records, read as in the queue */
	size_t n_queued;
	/* what sacct or scontrol said about jobs squeue no longer listed,
	 * read as gone */
	const struct job_record *ended;
	size_t n_ended;
	enum tracker_silence silence;
	/* out: attempts gone without a word and still open (held for
	 * accounting), and the most polls one of them has been held */
	size_t held;
	unsigned held_polls;
};

/* Applies one poll: queued and ended as tracker_apply_jobs, and for each
 * open attempt of a polled array that neither list mentions, what silence
 * says. */
int tracker_apply_poll(struct tracker *t, struct tracker_poll *p, struct error *err);

struct tracker_counts {
	size_t by_state[TASK_STATE_COUNT];   /* each task counted in its latest attempt's state */
	size_t tasks;
	size_t awaiting_slurm;               /* failed ends waiting for Slurm's word */
};

/* Counts for one component, or every one (component NULL). */
void tracker_counts(const struct tracker *t, const char *component,
		    struct tracker_counts *out);
/* Array tasks queued or running: the latest attempts submitted, running
 * or requeued, a pack's counted once. What a site's limit counts. */
size_t tracker_queued_array_tasks(const struct tracker *t);
/* A number that changes whenever an attempt (latest or not) becomes failed:
 * what tells a reader of the failures that there is something new to see. */
size_t tracker_failed_changes(const struct tracker *t);
/* True when every task's latest attempt is final (nothing queued, running
 * or awaiting Slurm). */
bool tracker_all_final(const struct tracker *t);
/* The array job ids with an attempt not yet final, sorted (malloc'd; free
 * it); what the next squeue/sacct should ask about. */
size_t tracker_jobs_to_poll(const struct tracker *t, uint32_t **ids);
/* The latest attempts that failed (malloc'd array of pointers; free it):
 * what the retry logic considers. */
size_t tracker_failed_attempts(const struct tracker *t, const struct task_attempt ***out);
/* The latest attempts whose pack ended before they began (cancelled,
 * not_started), as tracker_failed_attempts gives them: the next wave
 * submits them again. */
size_t tracker_not_started(const struct tracker *t, const struct task_attempt ***out);
/* The attempt, or NULL. */
const struct task_attempt *tracker_find(const struct tracker *t, const char *component,
					size_t index, unsigned attempt);
/* The task's latest (highest-numbered) attempt, or NULL when it has none. */
const struct task_attempt *tracker_latest(const struct tracker *t, const char *component,
					  size_t index);

/* What the reader of events/ has done (event_reader.h: files opened, known
 * ended, skipped): for tests and benchmarks. */
struct event_reader_stats;
void tracker_event_stats(const struct tracker *t, struct event_reader_stats *out);

/* Memory pressure (tracker_memory.c). Seconds the attempt spent at or
 * above 90 % of its limit: from its first such sample to its end (or, still
 * running, to its last sample); 0 when it never got there. */
double tracker_above_90_s(const struct task_attempt *a);
/* A number that changes whenever an attempt gets its first memory sample
 * or its first at 90 %: what tells a live view to look again (0: none). */
size_t tracker_memory_changes(const struct tracker *t);
#define TRACKER_PRESSURE_WORST 5
/* The running latest attempts sampled at 80 % or more of their limit:
 * {"above_80": N, "above_90": M, "worst": [{"task", "component",
 * "scenario", "attempt", "percent", "node", "since"}, ...]} with the
 * TRACKER_PRESSURE_WORST highest first; NULL when out of memory. */
json_t *tracker_memory_pressure_json(const struct tracker *t);

/* Calls fn for every attempt; latest says it is its task's latest. */
typedef void (*tracker_visitor)(const struct task_attempt *a, bool latest, void *ctx);
void tracker_foreach(const struct tracker *t, tracker_visitor fn, void *ctx);

#endif
