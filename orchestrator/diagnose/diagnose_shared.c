/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the failing scenarios of a group share (see dx_shared), from the
 * scenario table (diagnose_scenarios.c): for the largest groups whose class
 * could depend on the scenario, a value every failing scenario has, a value
 * most of them have, or a lower bound of a numeric parameter that all of
 * them reach; kept when the failing scenarios have it clearly more often
 * than all scenarios do, so that a value every scenario has is not news. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"

#define SH_GROUPS 8        /* groups analysed: the largest */
#define SH_MIN_FAILING 3   /* fewer failing scenarios share everything by chance */
#define SH_KEEP 3          /* findings kept per group */

struct candidate {
	uint32_t param;
	enum dx_shared_kind kind;
	char value[64];            /* ALL, OVER: the value; AT_LEAST: the bound */
	size_t failing, all, all_total, failing_total;
};

/* The failing scenarios of one group, as distinct indices. */
struct failing {
	uint32_t *index;
	size_t n;
	size_t in_file;            /* of them, those scenarios.jsonl has */
};

/* Whether the group's class could depend on what a scenario is. */
static bool worth_analysing(const struct dx_group *g)
{
	return g->failure_class != FAILURE_TRANSIENT && g->failure_class != FAILURE_PREEMPTED &&
	       g->failure_class != FAILURE_NODE_FAIL && g->n_tasks >= SH_MIN_FAILING;
}

static int by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool in_file(const struct dx_scenarios *s, uint32_t index)
{
	for (size_t p = 0; p < s->names.count; p++)
		if (index < s->params[p].n_by_scenario && s->params[p].by_scenario[index])
			return true;
	return false;
}

/* The group's scenario indices (a task id is its scenario's index). */
static int failing_of(const struct dx_scenarios *s, const struct dx_group *g, struct failing *f)
{
	size_t n = 0;

	if (!(f->index = malloc((g->n_tasks + 1) * sizeof *f->index)))
		return -1;
	for (size_t i = 0; i < g->n_tasks; i++)
		f->index[i] = g->tasks[i].task;
	qsort(f->index, g->n_tasks, sizeof *f->index, by_u32);
	for (size_t i = 0; i < g->n_tasks; i++)
		if (n == 0 || f->index[n - 1] != f->index[i])
			f->index[n++] = f->index[i];
	f->n = n;
	f->in_file = 0;
	for (size_t i = 0; i < n; i++)
		f->in_file += in_file(s, f->index[i]);
	return 0;
}

/* The value id + 1 of scenario index (0: absent). */
static uint16_t value_of(const struct dx_param *p, uint32_t index)
{
	return index < p->n_by_scenario ? p->by_scenario[index] : 0;
}

/* Scenarios whose number is at least min. */
static size_t all_at_least(const struct dx_param *p, double min)
{
	size_t n = 0;
	double d;

	for (size_t i = 0; i < p->n_by_scenario; i++)
		n += dx_scenario_number(p, i, &d) && d >= min;
	return n;
}

static void value_name(const struct dx_param *p, uint16_t id, double number, char *buf,
		       size_t len)
{
	if (id && id != DX_VALUE_OTHER)
		snprintf(buf, len, "%s", p->values.names[id - 1]);
	else
		snprintf(buf, len, "%g", number);
}

static int add(struct candidate **list, size_t *n, const struct candidate *c)
{
	struct candidate *grown = realloc(*list, (*n + 1) * sizeof *grown);

	if (!grown)
		return -1;
	*list = grown;
	grown[(*n)++] = *c;
	return 0;
}

/* The lowest number among the failing ones, and whether all have one. */
static bool failing_min(const struct dx_param *p, const struct failing *f, double *min,
			uint16_t *min_id)
{
	double d;

	for (size_t i = 0; i < f->n; i++) {
		if (!dx_scenario_number(p, f->index[i], &d))
			return false;
		if (i == 0 || d < *min) {
			*min = d;
			*min_id = value_of(p, f->index[i]);
		}
	}
	return f->n > 0;
}

/* The candidates of one parameter: a value all or most failing ones have,
 * then a lower bound. */
static int propose(const struct dx_param *p, uint32_t param, const struct failing *f,
		   struct candidate **list, size_t *n)
{
	uint32_t *counts = calloc(p->values.count + 1, sizeof *counts);
	size_t known = 0, distinct = 0;
	struct candidate c = { .param = param, .all_total = p->known, .failing_total = f->in_file };
	double min = 0;
	uint16_t min_id = 0;
	int rc = counts ? 0 : -1;

	for (size_t i = 0; counts && i < f->n; i++) {
		uint16_t id = value_of(p, f->index[i]);

		if (id && id != DX_VALUE_OTHER && counts[id - 1]++ == 0)
			distinct++;
		known += id != 0;
	}
	for (uint32_t v = 0; rc == 0 && v < p->values.count; v++) {
		bool every = distinct == 1 && counts[v] == f->in_file && known == f->in_file;

		if (!counts[v] || (!every && (counts[v] * 2 < f->in_file || counts[v] < SH_MIN_FAILING)))
			continue;
		c.kind = every ? DX_SHARED_ALL : DX_SHARED_OVER;
		c.failing = counts[v];
		c.all = p->counts[v];
		snprintf(c.value, sizeof c.value, "%s", p->values.names[v]);
		rc = add(list, n, &c);
	}
	if (rc == 0 && !p->not_numeric && distinct != 1 && failing_min(p, f, &min, &min_id)) {
		c.kind = DX_SHARED_AT_LEAST;
		c.failing = f->in_file;
		c.all = all_at_least(p, min);
		value_name(p, min_id, min, c.value, sizeof c.value);
		rc = add(list, n, &c);
	}
	free(counts);
	return rc;
}

/* Whether a candidate says something about the failing ones. */
static bool telling(const struct candidate *c)
{
	if (c->all_total == 0 || c->failing_total == 0)
		return false;
	switch (c->kind) {
	case DX_SHARED_ALL:
		return c->all < c->all_total;
	case DX_SHARED_OVER:
		return (double)c->failing / c->failing_total >= 2.0 * c->all / c->all_total;
	case DX_SHARED_AT_LEAST:
		return c->all * 2 <= c->all_total;
	}
	return false;
}

/* How much more often the failing ones have it than all scenarios do. */
static double lift(const struct candidate *c)
{
	double share_failing = (double)c->failing / c->failing_total;
	double share_all = (double)c->all / c->all_total;

	return (c->kind == DX_SHARED_ALL ? 1e6 : 0) + share_failing / (share_all > 0 ? share_all : 1);
}

static int by_lift_desc(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	double lx = lift(x), ly = lift(y);

	if (lx != ly)
		return lx < ly ? 1 : -1;
	return x->param != y->param ? (x->param < y->param ? -1 : 1) : strcmp(x->value, y->value);
}

/* Keeps the SH_KEEP most telling candidates in the group. */
static int keep(const struct dx_scenarios *s, struct dx_group *g, struct candidate *c,
		size_t n)
{
	qsort(c, n, sizeof *c, by_lift_desc);
	for (size_t i = 0; i < n && g->n_shared < SH_KEEP; i++) {
		struct dx_shared *grown = realloc(g->shared, (g->n_shared + 1) * sizeof *grown);
		struct dx_shared *x;

		if (!grown)
			return -1;
		g->shared = grown;
		x = &grown[g->n_shared];
		*x = (struct dx_shared){ .kind = c[i].kind, .failing = c[i].failing,
					 .failing_total = c[i].failing_total, .all = c[i].all,
					 .all_total = c[i].all_total };
		x->parameter = strdup(s->names.names[c[i].param]);
		x->value = strdup(c[i].value);
		if (!x->parameter || !x->value) {
			free(x->parameter);
			free(x->value);
			return -1;
		}
		g->n_shared++;
	}
	return 0;
}

static int analyse(const struct dx_scenarios *s, struct dx_group *g)
{
	struct candidate *list = NULL;
	struct failing f = { 0 };
	size_t n = 0, kept = 0;
	int rc = failing_of(s, g, &f);

	for (uint32_t p = 0; rc == 0 && p < s->names.count; p++)
		rc = propose(&s->params[p], p, &f, &list, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (telling(&list[i]))
			list[kept++] = list[i];
	if (rc == 0)
		rc = keep(s, g, list, kept);
	g->scenarios_known = f.in_file > 0;
	free(list);
	free(f.index);
	return rc;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct dx_group *x = *(struct dx_group *const *)a, *y = *(struct dx_group *const *)b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

int dx_shared(struct diagnosis *dx)
{
	struct dx_groups *t = &dx->groups;
	struct dx_group **sorted;
	size_t done = 0;
	int rc = 0;

	if (dx->scen.count == 0 || t->count == 0)
		return 0;
	if (!(sorted = malloc(t->count * sizeof *sorted)))
		return -1;
	memcpy(sorted, t->items, t->count * sizeof *sorted);
	qsort(sorted, t->count, sizeof *sorted, by_count_desc);
	for (size_t i = 0; rc == 0 && i < t->count && done < SH_GROUPS; i++) {
		if (!worth_analysing(sorted[i]))
			continue;
		rc = analyse(&dx->scen, sorted[i]);
		done++;
	}
	free(sorted);
	return rc;
}
