/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The step events of a local array task, as the SPANK plugin writes them for
 * a batch step: <events_dir>/<job_id>.batch.0.jsonl in layout 1,
 * <events_dir>/<step_event_subdir>/<job_id>.batch.0.jsonl in layout 2 (its
 * directories made level by level, never through a symlink), one write per
 * line; and its memory samples (local_task_limits.c).
 *
 * Tests: orchestrator/local/test/test_local_step_events.c,
 * orchestrator/local/test/test_local_executor.c (test_memory_samples). */
#ifndef SCALABLE_LOCAL_STEP_EVENTS_H
#define SCALABLE_LOCAL_STEP_EVENTS_H

#include <stdint.h>
#include <sys/types.h>

#include "step_event.h"
#include "wait_status.h"

/* How it ended. */
struct local_step_end {
	struct exit_outcome outcome;
	double elapsed_s;
	int64_t max_rss_bytes;
	int64_t oom_kill_count;
	const char *inferred_cause;
};

/* Appends the start line in layout (STEP_EVENT_LAYOUT_*); returns 0, or -1
 * with errno. */
int local_step_event_start(int events_dirfd, int layout, const struct step_identity *id);

/* Appends a `sample` line (docs/telemetry.md "Memory samples": the counts
 * only a cgroup has are null here); returns 0, or -1 with errno. */
int local_step_event_sample(int events_dirfd, int layout, const struct step_identity *id,
			    double elapsed_s, const struct step_memory_sample *sample);

/* Appends the end line likewise; returns 0, or -1 with errno. */
int local_step_event_end(int events_dirfd, int layout, const struct step_identity *id,
			 const struct local_step_end *end);

#endif
