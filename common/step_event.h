/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "step" event a job step leaves in <run_dir>/events/ (docs/design.md, "Events
 * from the node"): the record, its JSON line, and its file name. */
#ifndef SCALABLE_STEP_EVENT_H
#define SCALABLE_STEP_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wait_status.h"

#define STEP_EVENT_SCHEMA_VERSION 1

/* Slurm's reserved step ids (slurm.h SLURM_*_SCRIPT / SLURM_EXTERN_CONT). */
#define STEP_ID_PENDING     0xfffffffdU
#define STEP_ID_BATCH       0xfffffffbU
#define STEP_ID_EXTERN      0xfffffffcU
#define STEP_ID_INTERACTIVE 0xfffffffaU

/* Who a step is: what its start and end events share. Values absent on
 * this step are -1 and written as JSON null. */
struct step_identity {
	uint32_t job_id;
	int64_t array_job_id;
	int64_t array_task_id;
	uint32_t step_id;
	uint32_t restart_count;
	const char *node;
	uint32_t node_index;        /* this node's place among the step's (SLURM_NODEID) */
	uint32_t node_count;        /* the step's nodes; 0 when unknown */
	uid_t uid;
	pid_t pid;
	const char *run_id;         /* NULL when not set */
	int64_t task_id;
	int64_t attempt;
	int64_t time_limit_s;
	int64_t mem_limit_bytes;
};

/* What a "sample" event says of the step's memory cgroup while it runs
 * (spank/step_sampler.c): values unknown here are -1, written as null. */
struct step_memory_sample {
	int64_t current_bytes;
	int64_t peak_bytes;
	int64_t limit_bytes;
	double percent;             /* current_bytes of limit_bytes, in % */
	const char *threshold;      /* "80", "90" (first crossings) or "above_90" (a repeat) */
	int64_t oom_count;          /* v2 memory.events oom */
	int64_t oom_kill_count;     /* v2 memory.events oom_kill; v1 memory.oom_control oom_kill */
	int64_t max_count;          /* v2 memory.events max; v1 memory.failcnt: hits of the limit */
	int64_t high_count;         /* v2 memory.events high */
};

struct step_event {
	const char *event;          /* "start", "sample" or "end" */
	char timestamp[32];
	struct step_identity id;
	/* end only */
	struct exit_outcome outcome;
	bool has_outcome;           /* false when no task ever exited */
	double elapsed_s;
	int64_t max_rss_bytes;
	int64_t oom_kill_count;
	const char *inferred_cause;
	uint32_t ntasks;
	const char *producer;       /* who wrote it, "<name> <version>"; NULL: left out */
	/* sample only (and elapsed_s) */
	struct step_memory_sample sample;
};

/* Starts an event named name of the step id: stamped now, end and sample fields unknown. */
void step_event_init(struct step_event *ev, const char *name, const struct step_identity *id);

/* Writes the step id as docs/design.md names it: "batch", "extern", "interactive" or a number. */
void step_id_name(uint32_t step_id, char *buf, size_t bufsz);

/* Renders the event as one JSON object and a newline; returns a malloc'd
 * string (caller frees) or NULL on allocation failure. */
char *step_event_to_json_line(const struct step_event *ev, size_t *len_out);

/* Writes the name of the step's event file: "<job>.<step>.<restart>.jsonl"
 * for a step on one node, "<job>.<step>.<restart>.<node_index>.jsonl" for
 * each node of a step on several (one writer per file: O_APPEND from two
 * NFS clients is not atomic). Returns 0, or -1 if it does not fit. */
int step_event_file_name(const struct step_identity *id, char *buf, size_t bufsz);

/* The layouts of <run_dir>/events/ (docs/telemetry.md, "Layouts"): 1 puts
 * every file in events/ itself; 2 fans them out into
 * events/<step_event_subdir>/, so that no directory holds more than a few
 * thousand files however big the run. A writer uses layout 2 only when the
 * job's environment has STEP_EVENT_LAYOUT_ENV=2 (the orchestrator exports
 * it); readers read both. */
#define STEP_EVENT_LAYOUT_FLAT 1
#define STEP_EVENT_LAYOUT_FANNED 2
#define STEP_EVENT_LAYOUT_ENV "SCALABLE_EVENTS_LAYOUT"
#define STEP_EVENT_BUCKET 1000   /* array tasks (or jobs) per leaf directory */

/* Writes the directory, relative to events/, of a step's file in layout 2:
 * "<array_job_id>/<array_task_id / 1000>" for an array task, else
 * "job/<job_id / 1000>". Returns 0, or -1 if it does not fit. */
int step_event_subdir(const struct step_identity *id, char *buf, size_t bufsz);

#endif
