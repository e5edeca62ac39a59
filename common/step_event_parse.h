/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a step event back (docs/design.md, "Events from the node"): the one
 * reader of the lines step_event.c writes, field for field, so that the
 * writer and whoever reads <run_dir>/events/ agree on every name. */
#ifndef SCALABLE_STEP_EVENT_PARSE_H
#define SCALABLE_STEP_EVENT_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* An integer field: set is false when the line has it null, absent or not an
 * integer, and value is then -1 (the writer's "unknown"). */
struct step_event_int {
	bool set;
	int64_t value;
};

/* A number field (integer or real): unset as above, value then -1. */
struct step_event_real {
	bool set;
	double value;
};

/* A boolean field: unset when null, absent or not a boolean (value false). */
struct step_event_flag {
	bool set;
	bool value;
};

/* Every field step_event_to_json_line writes. Strings point into the parsed
 * JSON (valid while it lives) and are NULL when null, absent or not strings. */
struct step_event_fields {
	const char *event_type;             /* "step" */
	struct step_event_int schema_version;
	const char *event;                  /* "start", "sample" or "end" (always there) */
	const char *timestamp;
	uint32_t job_id;                    /* always there, never 0 */
	struct step_event_int array_job_id;
	struct step_event_int array_task_id;
	const char *step_name;              /* as written: "batch", "extern", "3" (always there) */
	struct step_event_int step_id;      /* decoded (STEP_ID_* for the names); unset if neither */
	struct step_event_int restart_count;
	const char *node;
	struct step_event_int node_index;   /* unset when Slurm did not say */
	struct step_event_int node_count;
	struct step_event_int uid;
	struct step_event_int pid;
	const char *run_id;
	struct step_event_int task_id;
	struct step_event_int attempt;
	struct step_event_int time_limit_s;
	struct step_event_int mem_limit_bytes;
	/* end only: exit_code and signal are null when no task ever exited */
	struct step_event_int exit_code;
	struct step_event_int signal;
	struct step_event_flag core_dumped;
	struct step_event_real elapsed_s;
	struct step_event_int max_rss_bytes;
	struct step_event_int oom_kill_count;
	const char *inferred_cause;
	struct step_event_int ntasks;
	/* sample only (with elapsed_s and oom_kill_count above) */
	struct step_event_int current_bytes;
	struct step_event_int peak_bytes;
	struct step_event_int limit_bytes;
	struct step_event_real percent;
	const char *threshold;              /* "80", "90" or "above_90" */
	struct step_event_int oom_count;
	struct step_event_int max_count;
	struct step_event_int high_count;
};

/* Reads every field of obj into out. Returns 0, or -1 when obj is not a step
 * event the reader can place: not an object, or without a string event, a
 * string step_id, or a job_id in 1..UINT32_MAX (out is filled all the same). */
int step_event_parse(const json_t *obj, struct step_event_fields *out);

/* Parses one line (its newline optional) and reads it as above. On success
 * *json_out holds the object out's strings point into (caller json_decref);
 * on -1 (not JSON, or not a step event) *json_out is NULL. */
int step_event_parse_line(const char *line, struct step_event_fields *out, json_t **json_out);

#endif
