/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The findings of a run (see dx_findings): one per group of failures, with
 * its severity (the rule is in diagnose.h), plus one for a node that holds
 * most of the failures; most severe first, then most frequent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"

#define NODE_MIN_FAILURES 3

static enum dx_severity group_severity(const struct diagnosis *dx, const struct dx_group *g)
{
	if (g->tasks_failed && g->tasks_failed * 10 >= dx->tasks)
		return DX_CRITICAL;
	if (g->tasks_failed)
		return DX_HIGH;
	if (g->tasks_pending || g->failure_class == FAILURE_OOM ||
	    g->failure_class == FAILURE_TIMEOUT)
		return DX_MEDIUM;
	return DX_LOW;
}

/* "RuntimeError (OOM)" when the group has one error type, else "OOM". */
static char *group_title(const struct diagnosis *dx, const struct dx_group *g)
{
	const char *label = g->failure_class < FAILURE_CLASS_COUNT ?
		dx_class_label(g->failure_class) : dx->classes.names[g->class_id];
	char *title;

	if (g->error_type && !g->mixed_error_types)
		return asprintf(&title, "%s (%s)", g->error_type, label) < 0 ? NULL : title;
	return strdup(label);
}

/* A new finding at the end of the list (zeroed); NULL when memory runs out. */
static struct dx_finding *new_finding(struct diagnosis *dx)
{
	struct dx_finding *grown = realloc(dx->findings, (dx->n_findings + 1) * sizeof *grown);

	if (!grown)
		return NULL;
	dx->findings = grown;
	memset(&grown[dx->n_findings], 0, sizeof *grown);
	return &grown[dx->n_findings++];
}

static int group_finding(struct diagnosis *dx, const struct dx_group *g)
{
	struct dx_finding *f = new_finding(dx);

	if (!f)
		return -1;
	f->group = g;
	f->severity = group_severity(dx, g);
	f->category = dx_class_category(g->failure_class);
	f->count = g->count;
	if (!(f->title = group_title(dx, g)))
		return -1;
	return dx_suggest(dx, f);
}

/* Failures per node over all groups (dx->workers.count entries). */
static uint64_t *failures_by_node(const struct diagnosis *dx)
{
	uint64_t *fails = calloc(dx->workers.count + 1, sizeof *fails);

	for (size_t i = 0; fails && i < dx->groups.count; i++) {
		const struct dx_group *g = dx->groups.items[i];

		for (size_t w = 0; w < g->n_by_worker && w < dx->workers.count; w++)
			fails[w] += g->by_worker[w];
	}
	return fails;
}

/* The node's failures by class, as JSON and a line; whether any of its
 * groups left tasks failed. */
static bool node_classes(struct diagnosis *dx, uint32_t node, struct dx_finding *f)
{
	json_t *classes = json_object();
	char text[512] = "";
	size_t len = 0;
	bool failed = false;

	for (size_t i = 0; i < dx->groups.count; i++) {
		const struct dx_group *g = dx->groups.items[i];
		const char *name = dx->classes.names[g->class_id];
		json_t *had;

		if (node >= g->n_by_worker || !g->by_worker[node])
			continue;
		failed |= g->tasks_failed > 0;
		had = json_object_get(classes, name);
		json_object_set_new(classes, name, json_integer(g->by_worker[node] +
								(had ? json_integer_value(had) : 0)));
	}
	json_object_set_new(f->evidence, "by_class", classes);
	for (void *it = json_object_iter(classes); it && len < sizeof text;
	     it = json_object_iter_next(classes, it))
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s %lld", len ? ", " : "",
					json_object_iter_key(it),
					(long long)json_integer_value(json_object_iter_value(it)));
	dx_line(f, "by class: %s", text);
	return failed;
}

/* Fills the node finding for node (fails of its failures, attempts ran). */
static int fill_node_finding(struct diagnosis *dx, struct dx_finding *f, uint32_t node,
			     uint64_t fails, uint64_t ran, uint64_t ran_total)
{
	const char *name = dx->workers.names[node];

	f->category = "node";
	f->count = fails;
	if (asprintf(&f->title, "Node %s", name) < 0) {
		f->title = NULL;
		return -1;
	}
	if (!(f->evidence = json_pack("{s:s, s:I, s:I, s:I, s:I}", "node", name, "failures",
				      (json_int_t)fails, "failures_total", (json_int_t)dx->failures,
				      "attempts_on_node", (json_int_t)ran, "attempts_total",
				      (json_int_t)ran_total)))
		return -1;
	if (ran_total)
		dx_line(f, "%llu of %zu failures on node %s, which ran %llu of the %llu attempts "
			"that ended (%.0f%%)", (unsigned long long)fails, dx->failures, name,
			(unsigned long long)ran, (unsigned long long)ran_total,
			100.0 * (double)ran / (double)ran_total);
	else
		dx_line(f, "%llu of %zu failures on node %s", (unsigned long long)fails,
			dx->failures, name);
	f->severity = node_classes(dx, node, f) ? DX_HIGH : DX_MEDIUM;
	return asprintf(&f->suggestion, "%llu of %zu failures on node %s: drain or exclude it "
			"(--exclude=%s in targets.%s.sbatch_options in scalable.yaml) and ask "
			"the cluster admins to check it", (unsigned long long)fails, dx->failures,
			name, name, dx->record.target_name) < 0 ? -1 : 0;
}

/* A finding when one node holds at least half of the failures, at least
 * NODE_MIN_FAILURES, and more than its share of the attempts that ended. */
static int node_finding(struct diagnosis *dx)
{
	uint64_t *fails = failures_by_node(dx), ran = 0, ran_total = 0;
	uint32_t top = 0;
	struct dx_finding *f;
	int rc = 0;

	if (!fails)
		return -1;
	for (uint32_t w = 1; w < dx->workers.count; w++)
		if (dx_more(fails[w], fails[top], dx->workers.names[w], dx->workers.names[top]))
			top = w;
	for (size_t w = 0; w < dx->n_attempts_by_worker; w++)
		ran_total += dx->attempts_by_worker[w];
	if (top < dx->n_attempts_by_worker)
		ran = dx->attempts_by_worker[top];
	if (dx->workers.count && fails[top] >= NODE_MIN_FAILURES && fails[top] * 2 >= dx->failures &&
	    (ran_total == 0 || (double)fails[top] / dx->failures > (double)ran / ran_total))
		rc = (f = new_finding(dx)) ? fill_node_finding(dx, f, top, fails[top], ran, ran_total)
					   : -1;
	free(fails);
	return rc;
}

static int by_severity_then_count(const void *a, const void *b)
{
	const struct dx_finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->title, y->title);  /* the same order on every run */
}

int dx_findings(struct diagnosis *dx)
{
	for (size_t i = 0; i < dx->groups.count; i++)
		if (group_finding(dx, dx->groups.items[i]) != 0)
			return -1;
	if (node_finding(dx) != 0)
		return -1;
	if (dx->n_findings)  /* qsort(NULL, 0, ...) is undefined */
		qsort(dx->findings, dx->n_findings, sizeof *dx->findings,
		      by_severity_then_count);
	return 0;
}
