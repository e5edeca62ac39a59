/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The evidence every group finding carries (see dx_common_evidence): what
 * became of its tasks, where it failed, what its scenarios share, and
 * which tasks to look at. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "plan/log_paths.h"

#define TOP_NODES 5
#define SAMPLE_TASKS 10

int dx_line(struct dx_finding *f, const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (f->evidence_text.len && strbuf_puts(&f->evidence_text, "\n") != 0)
		return -1;
	return strbuf_puts(&f->evidence_text, line);
}

void dx_later_text(const struct diagnosis *dx, const struct dx_group *g, char *buf, size_t len)
{
	size_t n = 0, classes = 0, unrecorded = 0;

	buf[0] = '\0';
	for (size_t c = 0; c < g->n_failed_later_by_class && n < len; c++) {
		size_t count = g->failed_later_by_class[c];

		if (!count)
			continue;
		if (c >= dx->classes.count) {
			unrecorded = count;
			continue;
		}
		n += (size_t)snprintf(buf + n, len - n, classes ? ", %zu with %s" :
				      "%zu then failed with %s", count, dx->classes.names[c]);
		classes++;
	}
	if (classes && n < len)
		n += (size_t)snprintf(buf + n, len - n, " (see %s)",
				      classes == 1 ? "that finding" : "those findings");
	if (unrecorded && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s%zu then failed otherwise (no failure "
				      "record of its last attempt)", n ? ", " : "", unrecorded);
	if (g->tasks_cancelled_later && n < len)
		snprintf(buf + n, len - n, "%s%zu then cancelled", n ? ", " : "",
			 g->tasks_cancelled_later);
}

/* "27 failed for good, 2 recovered on a retry, 1 then failed with
 * input_error (see that finding), 1 without a final state yet"; while the
 * run goes on, what failed has failed so far. */
static int outcome_line(const struct diagnosis *dx, const struct dx_group *g,
			struct dx_finding *f)
{
	char text[512] = "", later[384];
	size_t n = 0;

	dx_later_text(dx, g, later, sizeof later);
	if (g->tasks_failed)
		n += (size_t)snprintf(text + n, sizeof text - n, ", %zu failed %s", g->tasks_failed,
				      dx->record.status == RUN_STATUS_RUNNING ? "so far" : "for good");
	if (g->tasks_recovered && n < sizeof text)
		n += (size_t)snprintf(text + n, sizeof text - n, ", %zu recovered on a retry",
				      g->tasks_recovered);
	if (*later && n < sizeof text)
		n += (size_t)snprintf(text + n, sizeof text - n, ", %s", later);
	if (g->tasks_pending && n < sizeof text)
		snprintf(text + n, sizeof text - n, ", %zu without a final state yet",
			 g->tasks_pending);
	return dx_line(f, "%zu failed attempt%s in %zu task%s%s", g->count,
		       g->count == 1 ? "" : "s", g->n_tasks, g->n_tasks == 1 ? "" : "s", text);
}

/* {class: tasks} of the tasks that failed for good otherwise. */
static json_t *later_json(const struct diagnosis *dx, const struct dx_group *g)
{
	json_t *by_class = json_object();

	for (size_t c = 0; by_class && c < g->n_failed_later_by_class; c++)
		if (g->failed_later_by_class[c] &&
		    json_object_set_new(by_class, c < dx->classes.count ? dx->classes.names[c] :
					"unrecorded", json_integer((json_int_t)
					g->failed_later_by_class[c])) != 0) {
			json_decref(by_class);
			return NULL;
		}
	return by_class;
}

/* One shared parameter as a sentence. */
static void shared_sentence(const struct dx_shared *s, char *buf, size_t len)
{
	switch (s->kind) {
	case DX_SHARED_ALL:
		snprintf(buf, len, "all %zu failing scenarios have %s=%s (%zu of %zu scenarios do)",
			 s->failing_total, s->parameter, s->value, s->all, s->all_total);
		break;
	case DX_SHARED_OVER:
		snprintf(buf, len, "%s=%s in %zu of %zu failing scenarios (%zu of %zu overall)",
			 s->parameter, s->value, s->failing, s->failing_total, s->all,
			 s->all_total);
		break;
	case DX_SHARED_AT_LEAST:
		snprintf(buf, len, "every failing scenario has %s >= %s (%zu of %zu scenarios do)",
			 s->parameter, s->value, s->all, s->all_total);
		break;
	}
}

static const char *shared_kind_name(enum dx_shared_kind kind)
{
	return kind == DX_SHARED_ALL ? "all" : kind == DX_SHARED_OVER ? "over" : "at_least";
}

/* The shared parameters, as lines and as JSON. */
static int shared_evidence(const struct dx_group *g, struct dx_finding *f)
{
	json_t *list = json_array();
	char sentence[512];

	if (!list || json_object_set_new(f->evidence, "shared_parameters", list) != 0)
		return -1;
	for (size_t i = 0; i < g->n_shared; i++) {
		const struct dx_shared *s = &g->shared[i];

		shared_sentence(s, sentence, sizeof sentence);
		if (dx_line(f, "%s", sentence) != 0 ||
		    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}",
				"kind", shared_kind_name(s->kind), "parameter", s->parameter,
				"value", s->value, "failing", (json_int_t)s->failing,
				"failing_total", (json_int_t)s->failing_total,
				"all", (json_int_t)s->all, "all_total", (json_int_t)s->all_total)))
			return -1;
	}
	if (g->scenarios_known && g->n_shared == 0)
		return dx_line(f, "the failing scenarios share no parameter value that the "
			       "others lack");
	return 0;
}

/* Whether node a failed more often than node b (by name on a tie, so the
 * order does not depend on which thread met a node first). */
static bool more_failures(const struct dx_group *g, const struct dx_names *names, size_t a,
			  size_t b)
{
	if (g->by_worker[a] != g->by_worker[b])
		return g->by_worker[a] > g->by_worker[b];
	return strcmp(names->names[a], names->names[b]) < 0;
}

/* The TOP_NODES nodes with the most failures, most first, into top. */
static void rank_nodes(const struct dx_group *g, const struct dx_names *names,
		       size_t top[TOP_NODES], size_t *n)
{
	const uint32_t *by = g->by_worker;

	*n = 0;
	for (size_t w = 0; w < g->n_by_worker; w++) {
		size_t at;

		if (!by[w])
			continue;
		if (*n < TOP_NODES)
			at = (*n)++;
		else if (more_failures(g, names, w, top[TOP_NODES - 1]))
			at = TOP_NODES - 1;
		else
			continue;
		for (; at > 0 && more_failures(g, names, w, top[at - 1]); at--)
			top[at] = top[at - 1];
		top[at] = w;
	}
}

/* The nodes the group failed on, most first. */
static int node_evidence(const struct diagnosis *dx, const struct dx_group *g,
			 struct dx_finding *f)
{
	size_t top[TOP_NODES], n, distinct = 0;
	json_t *nodes = json_object();
	char text[512] = "";
	size_t len = 0;

	if (!nodes || json_object_set_new(f->evidence, "nodes", nodes) != 0)
		return -1;
	rank_nodes(g, &dx->workers, top, &n);
	for (size_t w = 0; w < g->n_by_worker; w++)
		distinct += g->by_worker[w] != 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = dx->workers.names[top[i]];

		if (json_object_set_new(nodes, name, json_integer(g->by_worker[top[i]])))
			return -1;
		if (i < 3 && len < sizeof text)
			len += (size_t)snprintf(text + len, sizeof text - len, "%s%s (%u)",
						i ? ", " : "", name, g->by_worker[top[i]]);
	}
	json_object_set_new(f->evidence, "node_count", json_integer((json_int_t)distinct));
	if (n == 0)
		return 0;
	return dx_line(f, "on %zu node%s: %s%s", distinct, distinct == 1 ? "" : "s", text,
		       distinct > 3 ? ", ..." : "");
}

/* The first task ids, and the stderr of the first failure. */
static int task_evidence(const struct diagnosis *dx, const struct dx_group *g,
			 struct dx_finding *f)
{
	json_t *ids = json_array();
	char text[256] = "", log[DX_NAME_MAX + 64] = "";
	size_t len = 0;

	if (!ids || json_object_set_new(f->evidence, "sample_task_ids", ids) != 0)
		return -1;
	for (size_t i = 0; i < g->n_tasks && i < SAMPLE_TASKS; i++) {
		json_array_append_new(ids, json_integer(g->tasks[i].task));
		if (i < 5 && len < sizeof text)
			len += (size_t)snprintf(text + len, sizeof text - len, "%s%u",
						i ? ", " : "", g->tasks[i].task);
	}
	if (g->n_tasks == 0)
		return 0;
	if (g->n_tasks > 5 && len < sizeof text)
		snprintf(text + len, sizeof text - len, " and %zu more", g->n_tasks - 5);
	if (g->sample.component < dx->components.count &&
	    log_task_stem(dx->record.layout, dx->components.names[g->sample.component],
			  g->sample.task, g->sample_attempt, log, sizeof log - 4) == 0)
		strcat(log, ".err");
	else
		log[0] = '\0';
	if (json_object_set_new(f->evidence, "sample_log", *log ? json_string(log) : json_null()))
		return -1;
	if (!*log)
		return dx_line(f, "task%s %s", g->n_tasks == 1 ? "" : "s", text);
	return dx_line(f, "task%s %s; the first one's stderr: %s", g->n_tasks == 1 ? "" : "s",
		       text, log);
}

static int by_name(const void *a, const void *b, void *names)
{
	const struct dx_names *n = names;

	return strcmp(n->names[*(const uint32_t *)a], n->names[*(const uint32_t *)b]);
}

/* {component: failures}, by name. */
static json_t *component_counts(const struct diagnosis *dx, const struct dx_group *g)
{
	uint32_t *ids = malloc((g->n_by_component + 1) * sizeof *ids);
	json_t *comps = json_object();
	size_t n = 0;

	for (size_t c = 0; ids && c < g->n_by_component && c < dx->components.count; c++)
		if (g->by_component[c].failures)
			ids[n++] = (uint32_t)c;
	if (ids)
		qsort_r(ids, n, sizeof *ids, by_name, (void *)&dx->components);
	for (size_t i = 0; ids && comps && i < n; i++)
		json_object_set_new(comps, dx->components.names[ids[i]],
				    json_integer(g->by_component[ids[i]].failures));
	if (!ids) {
		json_decref(comps);
		comps = NULL;
	}
	free(ids);
	return comps;
}

/* Exit codes and components, for JSON only: the text says them elsewhere. */
static int counts_evidence(const struct diagnosis *dx, const struct dx_group *g,
			   struct dx_finding *f)
{
	json_t *exits = json_object(), *comps = component_counts(dx, g);
	char code[16];

	if (!exits || !comps) {
		json_decref(exits);
		json_decref(comps);
		return -1;
	}
	json_object_set_new(f->evidence, "exit_codes", exits);
	json_object_set_new(f->evidence, "components", comps);
	for (size_t i = 0; i < g->n_exits; i++) {
		snprintf(code, sizeof code, "%d", g->exits[i].code);
		json_object_set_new(exits, code, json_integer((json_int_t)g->exits[i].count));
	}
	return 0;
}

int dx_common_evidence(const struct diagnosis *dx, struct dx_finding *f)
{
	const struct dx_group *g = f->group;
	json_t *ev = f->evidence;

	if (json_object_set_new(ev, "message", json_string(g->message ? g->message : "")) ||
	    json_object_set_new(ev, "error_type", g->error_type && !g->mixed_error_types ?
				json_string(g->error_type) : json_null()) ||
	    json_object_set_new(ev, "attempts", json_integer((json_int_t)g->count)) ||
	    json_object_set_new(ev, "max_attempt", json_integer(g->max_attempt)) ||
	    json_object_set_new(ev, "tasks", json_integer((json_int_t)g->n_tasks)) ||
	    json_object_set_new(ev, "tasks_failed", json_integer((json_int_t)g->tasks_failed)) ||
	    json_object_set_new(ev, "tasks_recovered",
				json_integer((json_int_t)g->tasks_recovered)) ||
	    json_object_set_new(ev, "tasks_pending", json_integer((json_int_t)g->tasks_pending)) ||
	    json_object_set_new(ev, "tasks_failed_later",
				json_integer((json_int_t)g->tasks_failed_later)) ||
	    json_object_set_new(ev, "failed_later_with", later_json(dx, g)) ||
	    json_object_set_new(ev, "tasks_cancelled_later",
				json_integer((json_int_t)g->tasks_cancelled_later)))
		return -1;
	if (outcome_line(dx, g, f) || shared_evidence(g, f) || node_evidence(dx, g, f) ||
	    task_evidence(dx, g, f) || counts_evidence(dx, g, f))
		return -1;
	return 0;
}
