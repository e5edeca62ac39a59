/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "scenario" records of a packed array task (docs/telemetry.md,
 * "Scenario records"): when K scenarios run in one array task, the pack's
 * runner (`scalable pack-exec`, or the script's bash fallback) appends a
 * start and an end record per scenario to one file per pack and restart,
 * beside the step events, one write(2) per line; a last "pack" end record
 * says the runner went through the whole pack.
 *
 * Lines are told from step events by event_type; their "event" values
 * ("scenario_start", "scenario_end") are not "end", so an event reader
 * that stops reading a file at its step's end reads a pack's file to its
 * pack end record. */
#ifndef SCALABLE_SCENARIO_RECORD_H
#define SCALABLE_SCENARIO_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCENARIO_RECORD_SCHEMA_VERSION 1
#define SCENARIO_RECORD_TYPE "scenario"
#define SCENARIO_RECORD_PACK_TYPE "pack"
#define SCENARIO_RECORD_START "scenario_start"
#define SCENARIO_RECORD_END "scenario_end"

/* The one place the path of a pack's record file is made:
 * "<run_dir>/events/<bucket>/pack.<array_job>_<array_task>.<restart>.jsonl"
 * in layout 2, where bucket is the array task's directory of step events
 * ("<array_job>/<array_task / 1000>", step_event_subdir), and without it in
 * layout 1 (bucket NULL). The parts are text so that the wave script can
 * render it with shell variables ("${SLURM_ARRAY_JOB_ID}") and C with
 * numbers. Returns 0, or -1 when it does not fit in len. */
int scenario_record_path(char *buf, size_t len, const char *run_dir, const char *bucket,
			 const char *array_job, const char *array_task, const char *restart);

/* Who ran the pack: what every record of its file carries. */
struct scenario_pack_id {
	const char *run_id, *component, *node;   /* NULL: null */
	int64_t job_id, array_job_id, array_task_id, restart_count;   /* -1: null */
};

/* One record. Unknown numbers are -1 (null). */
struct scenario_record {
	bool end;                   /* scenario_end; else scenario_start */
	int64_t task_id, attempt;
	const char *timestamp;      /* NULL: now */
	int64_t pid;
	/* end only */
	int exit_code, signal;      /* exit_code 128+signal when signalled */
	double elapsed_s;           /* < 0: null */
	int64_t max_rss_bytes;
	int64_t oom_kill_count;     /* OOM kills in its cgroup while it ran; -1: null */
};

/* The record as one JSON line ending in '\n' (malloc'd; NULL when out of
 * memory). */
char *scenario_record_line(const struct scenario_pack_id *id, const struct scenario_record *r,
			   size_t *len);
/* The pack end record: the runner went through its scenarios; ran of them
 * were started by this run (the others had ended in an earlier restart). */
char *scenario_record_pack_end_line(const struct scenario_pack_id *id, size_t scenarios,
				    size_t ran, int exit_code, size_t *len);

/* What a parsed record says (strings point into the JSON). */
struct scenario_record_fields {
	bool end;
	const char *run_id, *component, *node, *timestamp;
	int64_t task_id, attempt, job_id, array_job_id, array_task_id, restart_count;
	int64_t exit_code, signal, max_rss_bytes, oom_kill_count;   /* -1: null */
	double elapsed_s;                            /* -1: null */
};

/* 0 when event is a scenario record (start or end) with a component, a
 * task id and an attempt; -1 otherwise (a step event, a pack record...). */
int scenario_record_parse(json_t *event, struct scenario_record_fields *out);
/* True for the pack end record. */
bool scenario_record_is_pack_end(json_t *event);

#endif
