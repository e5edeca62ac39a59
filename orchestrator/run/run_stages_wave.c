/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What one stage step submits (see run_stages_wave.h): tasks grouped by
 * component and by the upstream arrays they wait for, the fan-in's list of
 * succeeded scenarios, and the queued tasks cancelled in one scancel. */
#include "run/run_stages_wave.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/util/atomic_file.h"
#include "run/run_submit.h"
#include "scenarios/scenarios.h"

int stages_wave_add(struct stages_wave *w, const struct component *c, const uint32_t *deps,
		    size_t n_deps, struct plan_task task)
{
	struct stages_group *g = NULL;

	for (size_t i = 0; i < w->n_groups && !g; i++)
		if (w->groups[i].component == c && w->groups[i].n_deps == n_deps &&
		    (!n_deps || !memcmp(w->groups[i].deps, deps, n_deps * sizeof *deps)))
			g = &w->groups[i];
	if (!g) {
		struct stages_group *grown = realloc(w->groups, (w->n_groups + 1) * sizeof *grown);

		if (!grown)
			return -1;
		w->groups = grown;
		g = &w->groups[w->n_groups];
		memset(g, 0, sizeof *g);
		g->component = c;
		g->n_deps = n_deps;
		if (n_deps && !(g->deps = malloc(n_deps * sizeof *deps)))
			return -1;
		if (n_deps)
			memcpy(g->deps, deps, n_deps * sizeof *deps);
		w->n_groups++;
	}
	if (g->n_tasks == g->cap_tasks) {
		size_t cap = g->cap_tasks ? 2 * g->cap_tasks : 32;
		struct plan_task *grown = realloc(g->tasks, cap * sizeof *grown);

		if (!grown)
			return -1;
		g->tasks = grown;
		g->cap_tasks = cap;
	}
	g->tasks[g->n_tasks++] = task;
	return 0;
}

int stages_wave_cancel(struct stages_wave *w, const struct task_attempt *a)
{
	struct backend_array_task *grown;

	if (w->n_cancel % 64 == 0) {
		grown = realloc(w->cancel, (w->n_cancel + 64) * sizeof *grown);
		if (!grown)
			return -1;
		w->cancel = grown;
	}
	w->cancel[w->n_cancel++] = (struct backend_array_task){ a->array_job_id,
								 a->array_task_id };
	return 0;
}

int stages_wave_submit(struct run_session *s, struct stages_wave *w, struct error *err)
{
	struct plan_request *requests;
	int rc;

	if (w->n_groups == 0)
		return 0;
	if (!(requests = calloc(w->n_groups, sizeof *requests))) {
		error_system(err, "submitting the stages of %s", s->run->id);
		return -1;
	}
	for (size_t i = 0; i < w->n_groups; i++) {
		const struct stages_group *g = &w->groups[i];

		requests[i] = (struct plan_request){
			.component = g->component,
			.resources = component_resources(g->component, s->target),
			.tasks = g->tasks, .n_tasks = g->n_tasks,
			.after_corr = g->deps, .n_after_corr = g->n_deps,
		};
	}
	rc = run_submit_requests(s, requests, w->n_groups, err);
	free(requests);
	return rc;
}

void stages_wave_free(struct stages_wave *w)
{
	for (size_t i = 0; i < w->n_groups; i++) {
		free(w->groups[i].deps);
		free(w->groups[i].tasks);
	}
	free(w->groups);
	free(w->cancel);
	memset(w, 0, sizeof *w);
}

/* One line per succeeded upstream scenario (docs/run-directory.md "Stages"). */
struct succeeded_ctx {
	const struct run_session *s;
	const struct component *f;
};

static int write_succeeded(FILE *out, void *vctx)
{
	const struct succeeded_ctx *ctx = vctx;
	const struct scenario_set *set = ctx->s->config->scenarios;
	struct scenario_value_buf buf;

	for (size_t k = 0; k < ctx->f->n_after; k++) {
		const struct component *u = &ctx->s->config->components[ctx->f->after[k]];

		for (size_t i = 0; i < scenarios_count(set); i++) {
			const struct task_attempt *a = tracker_latest(ctx->s->tracker, u->name, i);
			json_t *params, *line;
			char name[300];
			int rc;

			if (!a || (a->state != TASK_SUCCEEDED && a->state != TASK_CACHED))
				continue;
			params = json_object();
			for (size_t p = 0; params && p < scenarios_param_count(set); p++)
				json_object_set_new(params, scenarios_param_name(set, p),
						    json_string(scenarios_value(set, i, p, &buf)));
			snprintf(name, sizeof name, "%s-%zu", u->name, i);
			line = json_pack("{s:s, s:I, s:s, s:I, s:s, s:o}", "component", u->name,
					 "task_id", (json_int_t)i, "task_name", name, "attempt",
					 (json_int_t)a->attempt, "state", task_state_name(a->state),
					 "parameters", params);
			rc = line ? json_dumpf(line, out, JSON_COMPACT | JSON_PRESERVE_ORDER) : -1;
			json_decref(line);
			if (rc != 0 || fputc('\n', out) == EOF)
				return -1;
		}
	}
	return 0;
}

int stages_write_succeeded(const struct run_session *s, const struct component *f,
			   struct error *err)
{
	struct succeeded_ctx ctx = { s, f };
	char *dir = NULL, *path = plan_succeeded_file(s->run->path, f->name);
	int rc = -1;

	if (path && asprintf(&dir, "%s/stages", s->run->path) >= 0 &&
	    (mkdir(dir, 0755) == 0 || errno == EEXIST))
		rc = atomic_write_with(path, 0644, write_succeeded, &ctx, err);
	else
		error_system(err, "cannot make %s/stages", s->run->path);
	free(dir);
	free(path);
	return rc;
}
