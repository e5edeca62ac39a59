/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What became of the run's tasks and of each group's (see dx_outcomes):
 * counts by latest state, and per group the distinct tasks that failed for
 * good with its failure, recovered, failed for good with another (the
 * group of their final attempt's failure record), or have no final word
 * yet. */
#include <stdlib.h>

#include "diagnose/diagnose_impl.h"

static int by_task(const void *a, const void *b)
{
	const struct dx_task_ref *x = a, *y = b;

	if (x->component != y->component)
		return x->component < y->component ? -1 : 1;
	return x->task < y->task ? -1 : x->task > y->task;
}

/* Sorts the group's task references and drops repeats (retries), keeping
 * each task's latest failed attempt in the group. */
static void distinct_tasks(struct dx_group *g)
{
	size_t n = 0;

	if (g->n_tasks)  /* qsort(NULL, 0, ...) is undefined */
		qsort(g->tasks, g->n_tasks, sizeof *g->tasks, by_task);
	for (size_t i = 0; i < g->n_tasks; i++) {
		if (n == 0 || by_task(&g->tasks[n - 1], &g->tasks[i]) != 0)
			g->tasks[n++] = g->tasks[i];
		else if (g->tasks[i].attempt > g->tasks[n - 1].attempt)
			g->tasks[n - 1].attempt = g->tasks[i].attempt;
	}
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

static bool ended_failed(unsigned state)
{
	return state == TASK_FAILED + 1 || state == TASK_CANCELLED + 1;
}

/* Per component, per task: the group (index + 1) whose failure record is
 * the task's final failed attempt; 0 when none is. */
struct final_groups {
	uint32_t **by_comp;
	size_t n;
};

static int find_final_groups(const struct diagnosis *dx, struct final_groups *fg)
{
	fg->n = dx->n_comps;
	if (fg->n && !(fg->by_comp = calloc(fg->n, sizeof *fg->by_comp)))
		return -1;
	for (size_t c = 0; c < fg->n; c++)
		if (dx->comps[c].n_tasks &&
		    !(fg->by_comp[c] = calloc(dx->comps[c].n_tasks, sizeof **fg->by_comp)))
			return -1;
	for (size_t i = 0; i < dx->groups.count; i++) {
		const struct dx_group *g = dx->groups.items[i];

		for (size_t k = 0; k < g->n_tasks; k++) {
			struct dx_task_ref r = g->tasks[k];
			struct dx_task_state t = latest(dx, r);

			/* groups are in file order: the first one met wins a tie */
			if (t.state == TASK_FAILED + 1 && r.attempt == t.attempt &&
			    !fg->by_comp[r.component][r.task])
				fg->by_comp[r.component][r.task] = (uint32_t)i + 1;
		}
	}
	return 0;
}

static void free_final_groups(struct final_groups *fg)
{
	for (size_t c = 0; c < fg->n; c++)
		free(fg->by_comp[c]);
	free(fg->by_comp);
}

/* A task that failed for good after getting past g's failure. */
static void failed_later(const struct diagnosis *dx, struct dx_group *g, uint32_t final,
			 unsigned state)
{
	size_t slot = dx->classes.count;  /* no record of its final failure */

	if (!final && state == TASK_CANCELLED + 1) {
		g->tasks_cancelled_later++;
		return;
	}
	if (final)
		slot = dx->groups.items[final - 1]->class_id;
	g->tasks_failed_later++;
	if (g->failed_later_by_class && slot < g->n_failed_later_by_class)
		g->failed_later_by_class[slot]++;
}

static int group_outcome(const struct diagnosis *dx, const struct final_groups *fg, size_t gi)
{
	struct dx_group *g = dx->groups.items[gi];

	g->n_failed_later_by_class = dx->classes.count + 1;
	if (!(g->failed_later_by_class = calloc(g->n_failed_later_by_class, sizeof(size_t))))
		return -1;
	qsort(g->exits, g->n_exits, sizeof *g->exits, by_code);
	for (size_t i = 0; i < g->n_tasks; i++) {
		struct dx_task_ref r = g->tasks[i];
		struct dx_task_state t = latest(dx, r);
		uint32_t final = t.state && r.component < fg->n ?
			fg->by_comp[r.component][r.task] : 0;  /* seen: in the table */

		if (t.attempt > g->last_attempt)
			g->last_attempt = t.attempt;
		if (t.state == TASK_SUCCEEDED + 1 || t.state == TASK_CACHED + 1)
			g->tasks_recovered++;
		else if (!ended_failed(t.state))
			g->tasks_pending++;
		else if (final == gi + 1 || (!final && r.attempt >= t.attempt))
			g->tasks_failed++;
		else
			failed_later(dx, g, final, t.state);
	}
	return 0;
}

int dx_outcomes(struct diagnosis *dx)
{
	struct final_groups fg = { 0 };
	int rc = 0;

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
	/* file order first: which group holds a task's final failure must
	 * not depend on the order the threads made the groups in */
	if (dx_groups_sort(&dx->groups) != 0)
		return -1;
	for (size_t i = 0; i < dx->groups.count; i++)
		distinct_tasks(dx->groups.items[i]);
	if (find_final_groups(dx, &fg) != 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < dx->groups.count; i++)
		rc = group_outcome(dx, &fg, i);
	free_final_groups(&fg);
	return rc;
}
