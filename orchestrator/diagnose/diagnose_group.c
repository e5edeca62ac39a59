/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The groups of failed attempts, by (failure class, message pattern): a hash
 * table over an array of groups (see dx_group_get in diagnose_impl.h). */
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"

static uint64_t group_hash(uint32_t class_id, const char *pattern)
{
	uint64_t h = 1469598103934665603ull ^ class_id;

	for (const char *p = pattern; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h;
}

/* The slot of the group (class_id, pattern), or the free one for it. */
static size_t slot_of(const struct dx_groups *t, uint64_t hash, uint32_t class_id,
		      const char *pattern)
{
	size_t mask = t->nslots - 1;

	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		const struct dx_group *g;

		if (t->slots[i] == 0)
			return i;
		g = t->items[t->slots[i] - 1];
		if (g->hash == hash && g->class_id == class_id && !strcmp(g->pattern, pattern))
			return i;
	}
}

static int rehash(struct dx_groups *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64;
	uint32_t *slots = calloc(n, sizeof *slots);

	if (!slots)
		return -1;
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	for (size_t i = 0; i < t->count; i++) {
		const struct dx_group *g = t->items[i];

		t->slots[slot_of(t, g->hash, g->class_id, g->pattern)] = (uint32_t)i + 1;
	}
	return 0;
}

static void group_free(struct dx_group *g)
{
	if (!g)
		return;
	free(g->pattern);
	free(g->message);
	free(g->error_type);
	free(g->traceback);
	free(g->by_worker);
	for (size_t c = 0; c < g->n_by_component; c++)
		dx_requests_free(&g->by_component[c].requests);
	free(g->by_component);
	free(g->tasks);
	free(g->failed_later_by_class);
	for (size_t i = 0; i < g->n_shared; i++) {
		free(g->shared[i].parameter);
		free(g->shared[i].value);
	}
	free(g->shared);
	free(g);
}

static struct dx_group *group_new(struct diagnosis *dx, uint32_t class_id, const char *pattern,
				  uint64_t hash)
{
	struct dx_group *g = calloc(1, sizeof *g);

	if (!g || !(g->pattern = strdup(pattern))) {
		free(g);
		return NULL;
	}
	g->class_id = class_id;
	g->hash = hash;
	g->elapsed_max = -1;
	g->time_limit = -1;
	if (!failure_class_from_name(dx->classes.names[class_id], &g->failure_class))
		g->failure_class = FAILURE_CLASS_COUNT;
	return g;
}

/* Adds g to the table; 0, or -1 (g is then freed). */
static int add_group(struct dx_groups *t, struct dx_group *g)
{
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct dx_group **items = realloc(t->items, cap * sizeof *items);

		if (!items) {
			group_free(g);
			return -1;
		}
		t->items = items;
		t->cap = cap;
	}
	t->items[t->count++] = g;
	if (t->count * 2 > t->nslots && rehash(t) != 0)
		return -1;  /* g stays in items: freed with the table */
	t->slots[slot_of(t, g->hash, g->class_id, g->pattern)] = (uint32_t)t->count;
	return 0;
}

struct dx_group *dx_group_get(struct diagnosis *dx, uint32_t class_id, const char *pattern,
			      bool create)
{
	struct dx_groups *t = &dx->groups;
	uint64_t hash = group_hash(class_id, pattern);
	struct dx_group *g;
	size_t slot;

	if (t->nslots && t->slots[slot = slot_of(t, hash, class_id, pattern)])
		return t->items[t->slots[slot] - 1];
	if (!create)
		return NULL;
	if (t->count >= DX_GROUPS_MAX && strcmp(pattern, DX_OTHER_PATTERN) != 0)
		return dx_group_get(dx, class_id, DX_OTHER_PATTERN, true);
	if (!(g = group_new(dx, class_id, pattern, hash)) || add_group(t, g) != 0)
		return NULL;
	return g;
}

int dx_grow(void **array, size_t *count, size_t index, size_t elem)
{
	size_t n = *count ? *count : 8;
	char *grown;

	if (index < *count)
		return 0;
	while (n <= index)
		n *= 2;
	if (!(grown = realloc(*array, n * elem)))
		return -1;
	memset(grown + *count * elem, 0, (n - *count) * elem);
	*array = grown;
	*count = n;
	return 0;
}

static int by_first_record(const void *a, const void *b)
{
	const struct dx_group *x = *(struct dx_group *const *)a, *y = *(struct dx_group *const *)b;

	if (x->sample_offset != y->sample_offset)
		return x->sample_offset < y->sample_offset ? -1 : 1;
	return strcmp(x->pattern, y->pattern);
}

int dx_groups_sort(struct dx_groups *t)
{
	if (t->count)  /* qsort(NULL, 0, ...) is undefined */
		qsort(t->items, t->count, sizeof *t->items, by_first_record);
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
	return t->count ? rehash(t) : 0;
}

void dx_groups_free(struct dx_groups *t)
{
	for (size_t i = 0; i < t->count; i++)
		group_free(t->items[i]);
	free(t->items);
	free(t->slots);
	memset(t, 0, sizeof *t);
}
