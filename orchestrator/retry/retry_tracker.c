/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The retry hooks the tracker calls, and the pending retries it keeps (see
 * retry_tracker.h). */
#include "retry/retry_tracker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slurm/slurm_commands.h"

/* The component called name, or NULL. */
static const struct component *find_component(const struct config *config,
					      const char *name)
{
	for (size_t c = 0; config && name && c < config->n_components; c++)
		if (strcmp(config->components[c].name, name) == 0)
			return &config->components[c];
	return NULL;
}

unsigned retry_class_failures(const struct tracker *t, const struct task_attempt *a)
{
	unsigned n = 0;

	for (unsigned k = 1; k < a->attempt; k++) {
		const struct task_attempt *earlier = tracker_find(t, a->component, a->index, k);

		n += earlier && earlier->state == TASK_FAILED &&
		     earlier->failure_class == a->failure_class;
	}
	return n;
}

/* The nodes attempt a ran without: what the decision before it excluded
 * (a decision that gave up or followed excludes none). */
static void excluded_before(const struct tracker *t, const struct task_attempt *a,
			    char *list, size_t size)
{
	const struct task_attempt *before = a->attempt > 1
		? tracker_find(t, a->component, a->index, a->attempt - 1) : NULL;

	snprintf(list, size, "%s", before && before->retry &&
		 before->retry->action == RETRY_RESUBMIT ? before->retry->exclude : "");
}

void retry_context_clear(struct retry_context *ctx)
{
	free(ctx->partition_nodes);
	ctx->partition_nodes = NULL;
	ctx->partition_asked = false;
}

/* The target partition's nodes, asked of Slurm at most once per run; NULL
 * when unknown (the node is then excluded as before). */
static const char *partition_nodes(struct retry_context *ctx)
{
	struct error err;

	if (ctx->slurm && !ctx->partition_asked) {
		ctx->partition_asked = true;
		if (slurm_partition_nodes(ctx->partition, 0, &ctx->partition_nodes, &err) != 0)
			ctx->partition_nodes = NULL;
	}
	return ctx->partition_nodes;
}

/* The decision about the failed attempt a of component c, into d. */
static void decide(struct retry_context *ctx, const struct task_attempt *a,
		   const struct component *c, struct retry_decision *d)
{
	char excluded[RETRY_EXCLUDE_SIZE];
	struct retry_input in;

	excluded_before(ctx->tracker, a, excluded, sizeof excluded);
	in = (struct retry_input){
		.component = c, .index = a->index, .attempt = a->attempt,
		.failure_class = a->failure_class,
		.class_failures = retry_class_failures(ctx->tracker, a) + 1,
		.resources = a->requested, .max_rss_bytes = a->max_rss_bytes,
		.sampled_peak_bytes = a->memory.n_samples ? a->memory.peak_bytes : -1,
		.elapsed_s = a->duration_s, .time_limit_s = a->time_limit_s,
		.node = a->node, .excluded = excluded,
		.requeued_by_slurm = ctx->slurm_requeues,
		.partition = ctx->partition,
	};
	if (a->failure_class == FAILURE_NODE_FAIL && a->node[0])
		in.partition_nodes = partition_nodes(ctx);
	retry_decide(&in, &ctx->config->retry[a->failure_class],
		     ctx->random.next ? &ctx->random : NULL, time(NULL), d);
}

struct retry_decision *retry_decide_attempt(const struct task_attempt *a, void *vctx)
{
	struct retry_context *ctx = vctx;
	const struct component *c = find_component(ctx->config, a->component);
	struct retry_decision *d;

	if (!c || !ctx->tracker || !(d = malloc(sizeof *d)))
		return NULL;
	decide(ctx, a, c, d);
	return d;
}

json_t *retry_attempt_json(const struct retry_decision *d, void *ctx)
{
	(void)ctx;
	return retry_decision_json(d);
}

struct retry_decision *retry_attempt_read(const json_t *retry, const struct task_attempt *a,
					  void *vctx)
{
	const struct retry_context *ctx = vctx;
	const struct component *c = find_component(ctx->config, a->component);
	struct retry_decision *d = c ? malloc(sizeof *d) : NULL;

	if (d && retry_decision_from_json(retry, c, a->index, d) != 0) {
		free(d);
		d = NULL;
	}
	return d;
}

struct tracker_retry_hooks retry_tracker_hooks(struct retry_context *ctx)
{
	return (struct tracker_retry_hooks){
		.decide = retry_decide_attempt, .write = retry_attempt_json,
		.read = retry_attempt_read, .ctx = ctx,
	};
}

/* The resubmission the failed attempt a waits for; false when none. */
static bool pending_retry(const struct task_attempt *a)
{
	return a->retry && a->retry->action == RETRY_RESUBMIT &&
	       a->retry->next_attempt > a->attempt;
}

/* A scenario whose pack ended before it began: submitted again at once,
 * with what it asked for and without the nodes it was kept off; it failed
 * nothing, so no policy counts it. */
static void not_started_decision(const struct tracker *t, const struct task_attempt *a,
				 const struct component *c, struct retry_decision *d)
{
	memset(d, 0, sizeof *d);
	d->action = RETRY_RESUBMIT;
	d->component = c;
	d->index = a->index;
	d->failure_class = FAILURE_CLASS_COUNT;
	d->attempt = a->attempt;
	d->next_attempt = a->attempt + 1;
	d->previous = d->resources = a->requested;
	d->not_before = time(NULL);
	excluded_before(t, a, d->exclude, sizeof d->exclude);
	snprintf(d->note, sizeof d->note, "not started: its pack ended before it began");
}

int retry_pending(const struct tracker *t, const struct config *config,
		  struct retry_decision **out, size_t *n, struct error *err)
{
	const struct task_attempt **failed = NULL, **unstarted = NULL;
	size_t n_failed = tracker_failed_attempts(t, &failed);
	size_t n_unstarted = config ? tracker_not_started(t, &unstarted) : 0;

	*n = 0;
	*out = failed && (unstarted || !config)
		? malloc((n_failed + n_unstarted + 1) * sizeof **out) : NULL;
	for (size_t i = 0; *out && i < n_failed; i++)
		if (pending_retry(failed[i]))
			(*out)[(*n)++] = *failed[i]->retry;
	for (size_t i = 0; *out && i < n_unstarted; i++) {
		const struct component *c = find_component(config, unstarted[i]->component);

		if (c)
			not_started_decision(t, unstarted[i], c, &(*out)[(*n)++]);
	}
	free(failed);
	free(unstarted);
	if (!*out) {
		errno = ENOMEM;
		error_system(err, "reading %zu failed attempts", n_failed);
		return -1;
	}
	return 0;
}
