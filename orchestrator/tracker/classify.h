/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One failure class per failed attempt, from the evidence (docs/design.md,
 * "Failure classes and retry"). The first source that speaks decides:
 *
 *  1. the user's classify: rules, in order (every matcher a rule gives must
 *     match: exit code, signal, Slurm state, regex on stderr or Slurm's
 *     output for the task);
 *  2. Slurm's final state: OUT_OF_MEMORY -> oom, TIMEOUT and DEADLINE ->
 *     timeout, PREEMPTED -> preempted, NODE_FAIL and BOOT_FAIL -> node_fail;
 *  3. the end event: OOM kills in the step's cgroup, or inferred_cause oom;
 *  4. slurmstepd's banners and notices in the logs: DUE TO TIME LIMIT ->
 *     timeout, DUE TO PREEMPTION -> preempted, DUE TO NODE FAILURE ->
 *     node_fail, "oom_kill event" / "oom-kill" -> oom;
 *  5. an end event that says "timeout?" with the elapsed time at the limit;
 *  6. the exit code: 75 transient, 65 input_error, 126/127 dependency_error;
 *  7. built-in stderr patterns, the last matching line of the last 30
 *     meaningful ones deciding (ImportError -> dependency_error, Connection
 *     timed out -> transient, MemoryError -> oom, ...: see classify.c);
 *  8. a step that never ended and a job Slurm no longer knows: node_fail;
 *  9. anything else: runtime_error.
 *
 * message: the last meaningful stderr line (blank lines and slurmstepd's or
 * srun's own skipped). When the class came from outside the program (2, 3,
 * 4, 5, 8: Slurm or the kernel killed it), the program's last line seldom
 * says why, so the message names the cause instead ("TIMEOUT: reached its
 * time limit"), and the stderr stays in the traceback; the same message
 * stands in when stderr is empty. The text before the first ':' is a stable
 * prefix to count by. error_type: the exception's name where visible. */
#ifndef SCALABLE_CLASSIFY_H
#define SCALABLE_CLASSIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config_file.h"
#include "failure_class.h"

struct failure_evidence {
	const char *slurm_state;       /* Slurm's final state; NULL or "": unknown */
	const char *slurm_reason;
	bool has_end_event;            /* the batch step's end was seen */
	int exit_code, signal;         /* -1: unknown */
	int64_t oom_kill_count;        /* -1: unknown */
	const char *inferred_cause;    /* from the end event; NULL: none */
	double elapsed_s;              /* < 0: unknown */
	int64_t time_limit_s;          /* < 0: unknown */
	const char *stderr_tail;       /* the attempt's .err tail; NULL: none */
	const char *slurm_output_tail; /* slurm-%A_%a.out tail; NULL: none */
};

struct classification {
	enum failure_class failure_class;
	char message[512];
	char error_type[128];          /* "" when none is visible */
	json_t *evidence;              /* owned: what decided, and the inputs */
};

/* Classifies; rules may be NULL when n_rules is 0. Returns 0, or -1 when
 * memory ran out. */
int classify_failure(const struct classify_rule *rules, size_t n_rules,
		     const struct failure_evidence *evidence, struct classification *out);
void classification_clear(struct classification *c);

#endif
