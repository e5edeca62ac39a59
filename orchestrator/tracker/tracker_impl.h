/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tracker's insides, shared by its files: tracker.c (the store, which
 * calls none of the others), tracker_settle.c (transitions and the rows they
 * write), tracker_events.c, tracker_submit.c, tracker_jobs.c,
 * tracker_rebuild.c, tracker_query.c, and for packs tracker_pack.c and
 * tracker_scenario.c. */
#ifndef SCALABLE_TRACKER_IMPL_H
#define SCALABLE_TRACKER_IMPL_H

#include "event_tree.h"
#include "event_reader.h"
#include "step_event_parse.h"
#include "tracker/tracker.h"
#include "lib/util/u64_map.h"

/* An array job id and its attempts not final. */
struct open_array {
	uint32_t array_job_id;
	size_t open;
};

/* The attempts of one (component, index). */
struct tracked_task {
	uint32_t component;
	size_t index;
	struct task_attempt **attempts;   /* [number - 1]; NULL where unknown */
	unsigned n_attempts;
};

/* A packed array task: its scenarios' attempts, and how its batch step
 * ended (tracker_pack.c). */
struct tracked_pack {
	uint32_t array_job_id, array_task_id, job_id;
	struct task_attempt **members;
	size_t n_members;
	unsigned restart_count;
	bool batch_ended;          /* its batch step's end came (this restart) */
	bool settled;              /* its open members were settled */
	unsigned gone_polls;
	/* the batch step's end, for the members that take it */
	int exit_code, signal;
	double elapsed_s;
	int64_t oom_kill_count, time_limit_s, max_rss_bytes;
	char inferred_cause[16];
	char node[64];
};

struct name_table {
	char **names;
	size_t count;
};

struct tracker {
	char *run_dir, *run_id, *provider;
	const struct classify_rule *rules;
	size_t n_rules;
	bool settle_on_end_event;
	int layout;                /* the run's RUN_LAYOUT_* (0: 1), for its logs */
	struct tracker_retry_hooks retry;
	tracker_success_hook on_success;
	void *on_success_ctx;
	tracker_outputs_hook check_outputs;
	void *check_outputs_ctx;
	tracker_row_hook on_row;
	void *on_row_ctx;
	struct telemetry *telemetry;   /* NULL when read-only */
	struct event_tree *events;        /* events/ in both layouts */
	size_t refused_said, skipped_said; /* tracker_events_trouble's last counts */
	struct name_table components, waves;
	struct u64_map tasks;      /* component id << 40 | index -> tracked_task */
	struct u64_map by_array;   /* array job id << 32 | array task id -> attempt */
	struct u64_map by_job;     /* job id -> attempt */
	struct u64_map packs;      /* array key -> tracked_pack */
	struct u64_map pack_jobs;  /* job id -> tracked_pack */
	struct tracked_pack **all_packs;
	size_t n_packs, cap_packs;
	struct tracked_task **all; /* in the order first seen */
	size_t n_all, cap_all;
	json_t **orphans;          /* events for jobs not (yet) known */
	size_t n_orphans, cap_orphans;
	/* tracker_counts(t, NULL) and the latest attempts not final, kept up to
	 * date at each change (tracker_tally) instead of counted at each poll */
	struct tracker_counts totals;
	size_t not_final;
	size_t failed_changes;     /* times an attempt's state became failed */
	size_t memory_changes;     /* times an attempt got its first sample, or first at 90 % */
	/* tracker_rebuild read rows back: the next poll of events/ skips the
	 * files of attempts already final (tracker_events.c) */
	bool rebuilt;
	unsigned poll_seq;         /* tracker_apply_poll's number (task_attempt.poll_seen) */
	/* the arrays of attempts not final, with how many each has (kept at
	 * each change by tracker_count_open): what tracker_jobs_to_poll asks
	 * about without looking at every attempt */
	struct open_array *open_arrays;
	size_t n_open_arrays, cap_open_arrays;
	struct u64_map open_index;  /* array job id -> index + 1 into open_arrays */
	bool open_broken;           /* out of memory once: count from scratch */
};

/* tracker.c */
/* The attempt, created (state submitted, nothing written) when create is
 * set; NULL when absent or out of memory. */
struct task_attempt *tracker_attempt(struct tracker *t, const char *component, size_t index,
				     unsigned attempt, bool create);
/* The interned copy of a wave name; NULL when out of memory. */
const char *tracker_wave(struct tracker *t, const char *wave);
int tracker_index_job(struct tracker *t, struct task_attempt *a, uint32_t job_id);
int tracker_index_array(struct tracker *t, struct task_attempt *a, uint32_t array_job_id,
			uint32_t array_task_id);
struct task_attempt *tracker_by_array(const struct tracker *t, uint32_t array_job_id,
				      uint32_t array_task_id);
struct task_attempt *tracker_by_job(const struct tracker *t, uint32_t job_id);
/* The latest attempt of a task (highest number), or NULL. */
struct task_attempt *tracked_task_latest(const struct tracked_task *task);
/* Takes a latest attempt out of the totals (add false) before a change of
 * its state or end_seen, and puts it back (add true) after; nothing for an
 * attempt that is not its task's latest. */
void tracker_tally(struct tracker *t, const struct task_attempt *a, bool add);
/* Takes an attempt out of its array's count of attempts not final (add
 * false) before a change of its state or array id, and puts it back (add
 * true) after; nothing for one final or without an array. */
void tracker_count_open(struct tracker *t, const struct task_attempt *a, bool add);

/* tracker_settle.c: each writes its row only when it moves the attempt on. */
int attempt_emit(struct tracker *t, struct task_attempt *a, enum task_state state,
		 const char *timestamp, struct error *err);
int attempt_running(struct tracker *t, struct task_attempt *a, const char *timestamp,
		    struct error *err);
/* Slurm requeued it: restart_count is the count after the requeue. */
int attempt_requeued(struct tracker *t, struct task_attempt *a, unsigned restart_count,
		     const char *timestamp, struct error *err);
int attempt_succeeded(struct tracker *t, struct task_attempt *a, const char *timestamp,
		      struct error *err);
int attempt_cancelled(struct tracker *t, struct task_attempt *a, const char *timestamp,
		      struct error *err);
/* Classifies, writes the failures.jsonl row (once), then the tasks row. */
int attempt_failed(struct tracker *t, struct task_attempt *a, const char *timestamp,
		   struct error *err);

#define TRACKER_NOT_STARTED_MESSAGE \
	"not started: its packed array task ended before it began; submitted again"
int attempt_not_started(struct tracker *t, struct task_attempt *a, const char *timestamp,
			struct error *err);

/* tracker_pack.c */
/* The pack of a submission's task at position pos (created), with a in it. */
int tracker_pack_add(struct tracker *t, const struct tracker_submission *s, size_t pos,
		     struct task_attempt *a);
/* The pack of Slurm's ids (array ids first, else the job id), or NULL. */
struct tracked_pack *tracker_pack_of(const struct tracker *t, uint32_t array_job_id,
				     uint32_t array_task_id, uint32_t job_id);
/* A step event of the pack's array task (its batch step starts and ends). */
int tracker_pack_step(struct tracker *t, struct tracked_pack *p,
		      const struct step_event_fields *f, struct error *err);
/* A job record of the pack's array task; gone: read as gone from squeue
 * (the record's list says, as for an unpacked attempt; r->gone for
 * tracker_apply_jobs). */
int tracker_pack_record(struct tracker *t, struct tracked_pack *p, const struct job_record *r,
			bool gone, enum tracker_silence silence, struct error *err);
/* Slurm requeued the pack: its members not final are requeued. */
int tracker_pack_requeued(struct tracker *t, struct tracked_pack *p, unsigned restart_count,
			  const char *timestamp, struct error *err);
/* True while a member of the pack is not final. */
bool tracker_pack_open(const struct tracked_pack *p);

/* tracker_scenario.c */
/* A scenario record (scenario_record.h): 1 applied, 2 one of ours whose
 * attempt is not known yet, 0 not ours or not a scenario record, -1 error. */
int tracker_apply_scenario(struct tracker *t, json_t *event, struct error *err);
/* Reads the pack's record file of its restart directly (what the event
 * reader may not have listed yet), before its open members are settled. */
int tracker_pack_read_records(struct tracker *t, const struct tracked_pack *p,
			      struct error *err);

/* tracker_memory.c */
/* A step's `sample` event into the attempt's memory (idempotent). */
void tracker_note_sample(struct tracker *t, struct task_attempt *a,
			 const struct step_event_fields *f);

/* tracker_events.c */
/* Applies the events kept for jobs that were not known when they came
 * (tracker_submit.c and tracker_jobs.c call it once they know more jobs). */
int tracker_retry_orphans(struct tracker *t, struct error *err);

#endif
