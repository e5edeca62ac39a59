/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tasks of the tasks table: the attempts sorted by component (the
 * plan's order first), scenario and attempt, one task per (component,
 * scenario) that has attempts, and one without attempts for each planned
 * component and scenario that never got one. */
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"
#include "lib/util/utf8_text.h"

static int by_attempt(const void *x, const void *y)
{
	const struct ex_attempt *a = x, *b = y;

	if (a->comp != b->comp)
		return a->comp < b->comp ? -1 : 1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return (a->attempt > b->attempt) - (a->attempt < b->attempt);
}

static int by_task(const void *x, const void *y)
{
	const struct ex_task *a = x, *b = y;

	if (a->comp != b->comp)
		return a->comp < b->comp ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* One task per run of attempts of the same component and scenario. */
static size_t group_attempts(struct ex_run *run)
{
	size_t n = 0;

	for (size_t i = 0; i < run->n_attempts; i++) {
		const struct ex_attempt *a = &run->attempts[i];

		if (n && run->tasks[n - 1].comp == a->comp && run->tasks[n - 1].index == a->index) {
			run->tasks[n - 1].count++;
			continue;
		}
		run->tasks[n++] = (struct ex_task){ a->comp, a->index, i, 1 };
	}
	return n;
}

/* Whether component comp has a task for scenario index among the grouped
 * ones (sorted): a binary search. */
static bool has_task(const struct ex_task *tasks, size_t n, uint32_t comp, uint32_t index)
{
	struct ex_task key = { comp, index, 0, 0 };

	return n && bsearch(&key, tasks, n, sizeof *tasks, by_task) != NULL;
}

int ex_make_tasks(struct ex_run *run)
{
	size_t cap = run->n_attempts + run->n_plan_comps * run->n_scenarios, n, grouped;

	u64_map_free(&run->by_key);  /* its indices do not survive the sort */
	memset(&run->by_key, 0, sizeof run->by_key);
	if (run->n_attempts)
		qsort(run->attempts, run->n_attempts, sizeof *run->attempts, by_attempt);
	if (cap && !(run->tasks = calloc(cap, sizeof *run->tasks)))
		return -1;
	n = grouped = group_attempts(run);
	for (size_t c = 0; c < run->n_plan_comps; c++)
		for (size_t s = 0; s < run->n_scenarios; s++)
			if (!has_task(run->tasks, grouped, run->plan_comps[c], (uint32_t)s))
				run->tasks[n++] = (struct ex_task){ run->plan_comps[c], (uint32_t)s,
								     0, 0 };
	if (n > grouped)
		qsort(run->tasks, n, sizeof *run->tasks, by_task);
	run->n_tasks = n;
	for (size_t i = 0; i < run->names.count; i++)
		utf8_fix(run->names.names[i]);  /* names are written as the run wrote them */
	return 0;
}
