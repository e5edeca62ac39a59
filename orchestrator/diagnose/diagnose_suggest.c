/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence and suggestion of a group finding, by failure class (see
 * dx_suggest); memory and walltime live in diagnose_suggest_resources.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_traceback.h"

/* Sets the suggestion from a format; 0, or -1. */
static int suggest(struct dx_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int suggest(struct dx_finding *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&f->suggestion, fmt, ap);
	va_end(ap);
	if (n < 0)
		f->suggestion = NULL;
	return n < 0 ? -1 : 0;
}

/* Retries: how many, up to which attempt, and what they achieved; only
 * the tasks whose final failure was this one count against it. */
static int transient(const struct diagnosis *dx, const struct dx_group *g,
		     struct dx_finding *f)
{
	size_t retried = g->count;
	char later[384];

	if (json_object_set_new(f->evidence, "last_attempt", json_integer(g->last_attempt)) ||
	    (g->last_attempt > 1 && dx_line(f, "retried up to attempt %u", g->last_attempt)))
		return -1;
	dx_later_text(dx, g, later, sizeof later);
	if (g->tasks_failed)
		return suggest(f, "%zu of %zu tasks still failed after their retries: raise "
			       "retry.transient.max_attempts or its backoff in scalable.yaml, and "
			       "check the service the message names%s%s", g->tasks_failed,
			       g->n_tasks, *later ? "; of the others, " : "", later);
	if (g->tasks_pending)
		return suggest(f, "%zu task%s still wait%s for a retry; the rest got past it%s%s",
			       g->tasks_pending, g->tasks_pending == 1 ? "" : "s",
			       g->tasks_pending == 1 ? "s" : "", *later ? ": " : "", later);
	if (*later && g->tasks_recovered)
		return suggest(f, "nothing to change for this error: the retries got every task "
			       "past it: %zu recovered, %s", g->tasks_recovered, later);
	if (*later)
		return suggest(f, "nothing to change for this error: the retries got every task "
			       "past it: %s", later);
	return suggest(f, "nothing to change: the retries recovered every task (at the cost "
		       "of %zu more attempt%s)", retried, retried == 1 ? "" : "s");
}

/* The line the traceback points at, as evidence; the reason a retry cannot help. */
static int offending_line(const struct dx_group *g, struct dx_finding *f)
{
	char line[512];

	if (!dx_offending_line(g->traceback, line, sizeof line))
		return json_object_set_new(f->evidence, "offending_line", json_null());
	if (json_object_set_new(f->evidence, "offending_line", json_string(line)))
		return -1;
	return dx_line(f, "offending line: %s", line);
}

static int dependency(const struct diagnosis *dx, const struct dx_group *g,
		      struct dx_finding *f)
{
	const char *comp = dx_main_component(dx, g, NULL);

	if (offending_line(g, f) != 0)
		return -1;
	comp = comp ? comp : "<component>";
	return suggest(f, "retrying cannot help: every attempt runs in the same environment "
		       "and fails the same way. Install what is missing where the job runs "
		       "(components.%s.setup in scalable.yaml, e.g. a `module load` or the "
		       "activation of an environment, or its env), then run the failed "
		       "scenarios again", comp);
}

static int input(const struct dx_group *g, struct dx_finding *f)
{
	if (offending_line(g, f) != 0)
		return -1;
	return suggest(f, "retrying cannot help: a retry reads the same input again. Fix the "
		       "input of these scenarios%s, then run them again",
		       g->n_shared ? " (see what they share)" : "");
}

static int preempted(const struct diagnosis *dx, const struct dx_group *g,
		     struct dx_finding *f)
{
	char later[384];

	dx_later_text(dx, g, later, sizeof later);
	if (g->tasks_failed)
		return suggest(f, "%zu task%s never finished between preemptions: use a partition "
			       "or QOS that is not preempted for them, or checkpoint", g->tasks_failed,
			       g->tasks_failed == 1 ? "" : "s");
	if (*later)
		return suggest(f, "requeued past the preemptions: nothing to change for them (%s)",
			       later);
	return suggest(f, "requeued and recovered: nothing to change, unless the lost time "
		       "matters (then a partition or QOS that is not preempted, or checkpoints)");
}

static int node_failure(const struct diagnosis *dx, const struct dx_group *g,
			struct dx_finding *f)
{
	size_t n;
	const char *node = dx_main_worker(dx, g, &n);

	if (node && n * 2 > g->count && n >= 2)
		return suggest(f, "%zu of %zu on node %s: ask the admins to check it, and exclude "
			       "it meanwhile (--exclude=%s in targets.%s.sbatch_options)", n,
			       g->count, node, node, dx->record.target_name);
	return suggest(f, "the nodes died under the tasks, not the tasks themselves: retries "
		       "go elsewhere; if one node recurs, exclude it");
}

/* A runtime error (or a class this version does not know). */
static int runtime(const struct dx_group *g, struct dx_finding *f)
{
	size_t most = 0;
	int code;

	for (size_t i = 1; i < g->n_exits; i++)  /* sorted by code: the first of a tie wins */
		if (g->exits[i].count > g->exits[most].count)
			most = i;
	code = g->n_exits ? g->exits[most].code : -1;
	if (offending_line(g, f) != 0)
		return -1;
	if (code >= 0 && dx_line(f, "most common exit code: %d", code) != 0)
		return -1;
	return suggest(f, "the program failed by itself, so a retry as it is repeats the "
		       "failure: run one of these scenarios by hand, with its stderr in logs/, "
		       "fix the cause, then run them again");
}

/* An exit 0 without the declared outputs: the program or the pattern. */
static int output_missing(const struct diagnosis *dx, const struct dx_group *g,
			  struct dx_finding *f)
{
	const char *comp = dx_main_component(dx, g, NULL);

	return suggest(f, "these tasks exited 0 without writing what components.%s.outputs "
		       "names: make the program write there (a relative pattern starts in the "
		       "config's directory) or correct the pattern, then `scalable resume` "
		       "runs them again", comp ? comp : "<component>");
}

/* The class-specific part of a group finding. */
static int by_class(const struct diagnosis *dx, struct dx_finding *f)
{
	const struct dx_group *g = f->group;

	switch (g->failure_class) {
	case FAILURE_OOM:
		return dx_suggest_memory(dx, f);
	case FAILURE_TIMEOUT:
		return dx_suggest_walltime(dx, f);
	case FAILURE_TRANSIENT:
		return transient(dx, g, f);
	case FAILURE_DEPENDENCY_ERROR:
		return dependency(dx, g, f);
	case FAILURE_INPUT_ERROR:
		return input(g, f);
	case FAILURE_PREEMPTED:
		return preempted(dx, g, f);
	case FAILURE_NODE_FAIL:
		return node_failure(dx, g, f);
	case FAILURE_OUTPUT_MISSING:
		return output_missing(dx, g, f);
	default:
		return runtime(g, f);
	}
}

int dx_suggest(const struct diagnosis *dx, struct dx_finding *f)
{
	if (!(f->evidence = json_object()))
		return -1;
	if (by_class(dx, f) != 0)
		return -1;
	return dx_common_evidence(dx, f);
}
