/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `scalable pack-exec`: what a packed array task runs (wave_pack.h). It
 * runs each scenario of its pack as its own child, `bash SCRIPT` with
 * SCALABLE_PACK_TASK=<index> added to the environment, up to parallel of
 * them at once, and appends to the pack's record file (scenario_record.h)
 * a start record before each and an end record after it, with the
 * scenario's own exit status, elapsed time and peak memory (wait4's
 * rusage: the largest resident set of the child and of what it waited
 * for; and the OOM kills its cgroup counted while it ran, when it ended
 * killed: a scenario the kernel killed for memory in a pack that goes on),
 * then a pack end record. A scenario that has an end record in an
 * earlier restart's file of the same pack is skipped: Slurm requeued the
 * pack, and what ended was settled then.
 *
 * Tests: orchestrator/plan/test/test_pack_runner.c. */
#ifndef SCALABLE_PACK_RUNNER_H
#define SCALABLE_PACK_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/error.h"

struct pack_scenario {
	size_t task_id;
	unsigned attempt;
};

struct pack_runner_options {
	const char *run_dir, *run_id, *component;
	const char *script;             /* run as `bash SCRIPT` per scenario */
	unsigned parallel;              /* >= 1 */
	const struct pack_scenario *scenarios;
	size_t n;
	/* the array task's ids (Slurm's environment); -1: unknown */
	int64_t job_id, array_job_id, array_task_id;
	unsigned restart_count;
	bool fanned;                    /* events layout 2 (SCALABLE_EVENTS_LAYOUT=2) */
	const char *node;
	/* cgroup v2 memory.events whose oom_kill counts the scenarios' OOM
	 * kills; NULL: this process's own cgroup's */
	const char *memory_events;
};

/* "<index>:<attempt>" into out; -1 when it is not that. */
int pack_scenario_parse(const char *text, struct pack_scenario *out);

/* Runs the pack. Returns its exit status: 0 when every scenario it ran
 * ended 0, else the first failed one's (128 + signal when signalled); -1
 * with err when the record file cannot be written or no child started. */
int pack_run(const struct pack_runner_options *o, struct error *err);

#endif
