/* The step events of a local array task, as the SPANK plugin writes them for
 * a batch step: <events_dir>/<job_id>.batch.0.jsonl, one write per line. */
#ifndef SCALABLE_LOCAL_STEP_EVENTS_H
#define SCALABLE_LOCAL_STEP_EVENTS_H

#include <stdint.h>
#include <sys/types.h>

#include "wait_status.h"

/* What start and end events share; -1 means unknown (null). */
struct local_step_facts {
	uint32_t job_id, array_job_id, array_task_id;
	const char *node;
	pid_t pid;
	const char *run_id;          /* NULL: null */
	int64_t task_id, attempt;
	int64_t time_limit_s, mem_limit_bytes;
};

/* How it ended. */
struct local_step_end {
	struct exit_outcome outcome;
	double elapsed_s;
	int64_t max_rss_bytes;
	int64_t oom_kill_count;
	const char *inferred_cause;
};

/* Appends the start line; returns 0, or -1 with errno. */
int local_step_event_start(int events_dirfd, const struct local_step_facts *facts);

/* Appends the end line; returns 0, or -1 with errno. */
int local_step_event_end(int events_dirfd, const struct local_step_facts *facts,
			 const struct local_step_end *end);

#endif
