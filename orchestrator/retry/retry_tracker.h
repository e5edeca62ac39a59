/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The retry logic where it meets the tracker.
 *
 * retry_tracker_hooks gives the tracker its struct tracker_retry_hooks:
 * retry_decide_attempt is called when an attempt fails, once, and the
 * decision it returns is kept by the tracker as it is (struct
 * retry_decision). It is made JSON only where the tracker writes
 * failures.jsonl's details.retry (retry_attempt_json), and parsed only where
 * tracker_rebuild reads that file back on re-attach (retry_attempt_read).
 * The decider counts the task's earlier failures of the same class, carries
 * the nodes the attempt already excluded over from the previous decision,
 * and decides (retry_decision.h).
 *
 * retry_pending hands those decisions to the next wave: the tasks whose
 * latest attempt failed with a retry decided. A task whose next attempt is
 * tracked (submitted from the journal) is no longer latest-failed, so a
 * wave that was submitted, before a crash or not, is never built again. */
#ifndef SCALABLE_RETRY_TRACKER_H
#define SCALABLE_RETRY_TRACKER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config/config_file.h"
#include "lib/util/error.h"
#include "retry/retry_decision.h"
#include "tracker/tracker.h"

struct retry_context {
	const struct config *config;    /* its retry policies and components */
	const struct tracker *tracker;  /* set right after tracker_new */
	/* the target submits with --requeue: Slurm requeues what it preempts
	 * itself, and a preempted attempt is followed, not resubmitted */
	bool slurm_requeues;
	struct retry_random random;     /* retry_random_system(); next NULL: no jitter */
	/* a Slurm target: at its first node_fail, its partition's nodes are asked
	 * of sinfo once (kept in partition_nodes), so a retry never excludes the
	 * partition's last node */
	bool slurm;
	const char *partition;          /* NULL: the default partition */
	bool partition_asked;
	char *partition_nodes;          /* NULL: unknown (free with retry_context_clear) */
};

/* Frees what the context keeps. */
void retry_context_clear(struct retry_context *ctx);

/* The tracker's hooks, all three with ctx. */
struct tracker_retry_hooks retry_tracker_hooks(struct retry_context *ctx);

/* A tracker_retry_decider (ctx: struct retry_context): malloc'd; NULL (no
 * decision, details.retry null) when the attempt's component is not in the
 * config, or out of memory. */
struct retry_decision *retry_decide_attempt(const struct task_attempt *failed, void *ctx);
/* A tracker_retry_writer: retry_decision_json. */
json_t *retry_attempt_json(const struct retry_decision *d, void *ctx);
/* A tracker_retry_reader: retry_decision_from_json for the failed attempt a
 * of a component in the config; malloc'd, or NULL. */
struct retry_decision *retry_attempt_read(const json_t *retry, const struct task_attempt *a,
					  void *ctx);

/* Failed attempts of the task before the given one that had its class. */
unsigned retry_class_failures(const struct tracker *t, const struct task_attempt *a);

/* The retries decided and not yet submitted (malloc'd; free it), for
 * retry_wave_group; with config, also a resubmission of every scenario
 * whose pack ended before it began (tracker_not_started: attempt + 1, at
 * once, the same resources and excluded nodes, no class). */
int retry_pending(const struct tracker *t, const struct config *config,
		  struct retry_decision **out, size_t *n, struct error *err);

#endif
