/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What became of the run's tasks and of each group's (see dx_outcomes):
 * counts by latest state, and per group the distinct tasks that failed for
 * good, recovered, or have no final word yet. */
#include <stdlib.h>

#include "diagnose/diagnose_impl.h"

static int by_task(const void *a, const void *b)
{
	const struct dx_task_ref *x = a, *y = b;

	if (x->component != y->component)
		return x->component < y->component ? -1 : 1;
	return x->task < y->task ? -1 : x->task > y->task;
}

/* Sorts the group's task references and drops repeats (retries). */
static void distinct_tasks(struct dx_group *g)
{
	size_t n = 0;

	qsort(g->tasks, g->n_tasks, sizeof *g->tasks, by_task);
	for (size_t i = 0; i < g->n_tasks; i++)
		if (n == 0 || by_task(&g->tasks[n - 1], &g->tasks[i]) != 0)
			g->tasks[n++] = g->tasks[i];
	g->n_tasks = n;
}

/* The latest attempt of a task as tasks.jsonl said; zeroed when never seen. */
static struct dx_task_state latest(const struct diagnosis *dx, struct dx_task_ref t)
{
	if (t.component >= dx->n_comps || t.task >= dx->comps[t.component].n_tasks)
		return (struct dx_task_state){ 0, 0 };
	return dx->comps[t.component].tasks[t.task];
}

static int by_code(const void *a, const void *b)
{
	const struct dx_exit_count *x = a, *y = b;

	return x->code < y->code ? -1 : x->code > y->code;
}

static void group_outcome(const struct diagnosis *dx, struct dx_group *g)
{
	distinct_tasks(g);
	qsort(g->exits, g->n_exits, sizeof *g->exits, by_code);
	for (size_t i = 0; i < g->n_tasks; i++) {
		struct dx_task_state t = latest(dx, g->tasks[i]);
		unsigned state = t.state;

		if (t.attempt > g->last_attempt)
			g->last_attempt = t.attempt;
		if (state == TASK_SUCCEEDED + 1 || state == TASK_CACHED + 1)
			g->tasks_recovered++;
		else if (state == TASK_FAILED + 1 || state == TASK_CANCELLED + 1)
			g->tasks_failed++;
		else
			g->tasks_pending++;
	}
}

int dx_outcomes(struct diagnosis *dx)
{
	for (size_t c = 0; c < dx->n_comps; c++) {
		const struct dx_component *comp = &dx->comps[c];

		for (size_t t = 0; t < comp->n_tasks; t++) {
			const struct dx_task_state *s = &comp->tasks[t];

			if (!s->state)
				continue;
			dx->tasks++;
			dx->by_state[s->state - 1]++;
			dx->attempts += s->attempt;
		}
	}
	for (size_t i = 0; i < dx->groups.count; i++)
		group_outcome(dx, dx->groups.items[i]);
	return dx_groups_sort(&dx->groups);
}
