/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What an event file's name says its lines are (docs/telemetry.md, "Whose
 * line is it"): a step file "<job>.<step>.<restart>.jsonl" holds events of
 * that one step (of one node of it, "<job>.<step>.<restart>.<node>.jsonl",
 * for a step on several), a pack file
 * "pack.<array_job>_<array_task>.<restart>.jsonl" scenario records of that
 * one array task. A task can write in events/, so
 * a line is taken for what its file's name says and nothing else: one that
 * claims another job, step, array task or restart is forged.
 * Tests: common/test/test_event_hostile.c. */
#ifndef SCALABLE_EVENT_NAME_H
#define SCALABLE_EVENT_NAME_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum event_name_kind { EVENT_NAME_STEP = 1, EVENT_NAME_PACK };

struct event_name {
	enum event_name_kind kind;
	uint32_t job;                 /* step files */
	char step[16];                /* step files: "batch", "extern", "3"... */
	bool per_node;                /* step files: one of a step's nodes */
	uint32_t node_index;          /* step files: that node's, else 0 */
	uint32_t array_job, array_task;  /* pack files */
	uint32_t restart;
};

/* 0 when name (no directory) is one of the two forms, -1 otherwise. */
int event_name_parse(const char *name, struct event_name *out);

/* NULL when event may stand in the file so named; else why not. A field
 * the line leaves out (or null) claims nothing; one it has must be the
 * name's (a node_index of a step's one-node file: 0). */
const char *event_name_forged(const struct event_name *name, json_t *event);

/* NULL when event may stand in a file of layout 2's directory
 * events/<top>/<leaf>/ (step_event_subdir); else why not: array ids that
 * are not <top> and a task of <leaf> thousand, or, under events/job/, a
 * job_id not of <leaf> thousand. As above, a field left out (or null)
 * claims nothing. */
const char *event_name_forged_dir(const char *top, const char *leaf, json_t *event);

#endif
