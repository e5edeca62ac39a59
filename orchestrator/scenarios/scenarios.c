/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scenario sets: construction, lazy lookup by index, scenarios.jsonl. */
#include "scenarios/scenarios.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Table strings live in blocks freed together: one malloc per many values. */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	char data[];
};

struct matrix_param {
	char **values;
	size_t n;
};

struct scenario_set {
	enum scenario_kind kind;
	char **names;
	size_t n_params;
	size_t count;
	struct matrix_param *matrix;   /* matrix: one per parameter */
	int64_t start, step;           /* range */
	const char **cells;            /* list, csv: count * n_params */
	size_t cells_capacity;         /* rows the cells array can hold */
	struct arena_block *arena;
};

#define ARENA_BLOCK_SIZE (64 * 1024)

/* A copy of s in the set's arena. */
static char *arena_strdup(struct scenario_set *set, const char *s)
{
	size_t len = strlen(s) + 1;
	struct arena_block *block = set->arena;

	if (!block || block->size - block->used < len) {
		size_t size = len > ARENA_BLOCK_SIZE ? len : ARENA_BLOCK_SIZE;

		block = malloc(sizeof *block + size);
		if (!block)
			return NULL;
		block->size = size;
		block->used = 0;
		block->next = set->arena;
		set->arena = block;
	}
	memcpy(block->data + block->used, s, len);
	block->used += len;
	return block->data + block->used - len;
}

static struct scenario_set *set_new(enum scenario_kind kind, size_t count)
{
	struct scenario_set *set = calloc(1, sizeof *set);

	if (set) {
		set->kind = kind;
		set->count = count;
	}
	return set;
}

/* Appends a copy of name to the parameter names. */
static int add_name(struct scenario_set *set, const char *name)
{
	char **grown = realloc(set->names, (set->n_params + 1) * sizeof *grown);

	if (!grown)
		return -1;
	set->names = grown;
	if (!(set->names[set->n_params] = strdup(name)))
		return -1;
	set->n_params++;
	return 0;
}

struct scenario_set *scenarios_new_single(void)
{
	return set_new(SCENARIOS_SINGLE, 1);
}

struct scenario_set *scenarios_new_matrix(void)
{
	return set_new(SCENARIOS_MATRIX, 1);
}

static void free_values(char **values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(values[i]);
	free(values);
}

int scenarios_matrix_add(struct scenario_set *set, const char *name, char **values,
			 size_t n)
{
	struct matrix_param *grown;
	size_t count;

	if (__builtin_mul_overflow(set->count, n, &count) || count > SCENARIOS_MAX) {
		free_values(values, n);
		errno = ERANGE;
		return -1;
	}
	grown = realloc(set->matrix, (set->n_params + 1) * sizeof *grown);
	if (!grown || (set->matrix = grown, add_name(set, name) != 0)) {
		free_values(values, n);
		return -1;
	}
	set->matrix[set->n_params - 1] = (struct matrix_param){ values, n };
	set->count = count;
	return 0;
}

struct scenario_set *scenarios_new_table(enum scenario_kind kind,
					 const char *const *names, size_t n)
{
	struct scenario_set *set = set_new(kind, 0);

	if (!set)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (add_name(set, names[i]) != 0) {
			scenarios_free(set);
			return NULL;
		}
	}
	return set;
}

/* Makes room for one more row of cells. */
static int reserve_row(struct scenario_set *set)
{
	size_t rows = set->cells_capacity ? 2 * set->cells_capacity : 64;
	const char **grown;

	if (set->count < set->cells_capacity)
		return 0;
	if (set->count >= SCENARIOS_MAX) {
		errno = ERANGE;
		return -1;
	}
	grown = realloc(set->cells, rows * (set->n_params ? set->n_params : 1) *
				    sizeof *grown);
	if (!grown)
		return -1;
	set->cells = grown;
	set->cells_capacity = rows;
	return 0;
}

int scenarios_table_add_row(struct scenario_set *set, const char *const *values)
{
	const char **row;

	if (reserve_row(set) != 0)
		return -1;
	row = set->cells + set->count * set->n_params;
	for (size_t p = 0; p < set->n_params; p++)
		if (!(row[p] = arena_strdup(set, values[p])))
			return -1;
	set->count++;
	return 0;
}

/* Number of values from start to stop (inclusive) by step; 0 when none. */
static uint64_t range_length(int64_t start, int64_t stop, int64_t step)
{
	/* Differences of int64 values always fit in uint64. */
	if (step > 0 && stop >= start)
		return ((uint64_t)stop - (uint64_t)start) / (uint64_t)step + 1;
	if (step < 0 && stop <= start)
		return ((uint64_t)start - (uint64_t)stop) / (0 - (uint64_t)step) + 1;
	return 0;
}

int scenarios_new_range(const char *name, int64_t start, int64_t stop, int64_t step,
			struct scenario_set **out)
{
	uint64_t n = step == 0 ? 0 : range_length(start, stop, step);
	struct scenario_set *set;

	if (n == 0 || n > SCENARIOS_MAX) {
		errno = ERANGE;
		return -1;
	}
	set = set_new(SCENARIOS_RANGE, (size_t)n);
	if (!set || add_name(set, name) != 0) {
		scenarios_free(set);
		return -1;
	}
	set->start = start;
	set->step = step;
	*out = set;
	return 0;
}

void scenarios_free(struct scenario_set *set)
{
	if (!set)
		return;
	for (size_t p = 0; p < set->n_params; p++) {
		free(set->names[p]);
		if (set->matrix)
			free_values(set->matrix[p].values, set->matrix[p].n);
	}
	free(set->names);
	free(set->matrix);
	free(set->cells);
	while (set->arena) {
		struct arena_block *next = set->arena->next;

		free(set->arena);
		set->arena = next;
	}
	free(set);
}

enum scenario_kind scenarios_kind(const struct scenario_set *set)
{
	return set->kind;
}

const char *scenarios_kind_name(enum scenario_kind kind)
{
	static const char *const names[] = {
		[SCENARIOS_SINGLE] = "single", [SCENARIOS_MATRIX] = "matrix",
		[SCENARIOS_LIST] = "list",     [SCENARIOS_RANGE] = "range",
		[SCENARIOS_CSV] = "csv",
	};

	return names[kind];
}

size_t scenarios_count(const struct scenario_set *set)
{
	return set->count;
}

size_t scenarios_param_count(const struct scenario_set *set)
{
	return set->n_params;
}

const char *scenarios_param_name(const struct scenario_set *set, size_t param)
{
	return set->names[param];
}

/* The matrix value of param at index: the index read as a mixed-radix
 * number whose last digit is the last parameter. */
static const char *matrix_value(const struct scenario_set *set, size_t index,
				size_t param)
{
	for (size_t p = set->n_params; p-- > param + 1;)
		index /= set->matrix[p].n;
	return set->matrix[param].values[index % set->matrix[param].n];
}

const char *scenarios_value(const struct scenario_set *set, size_t index,
			    size_t param, struct scenario_value_buf *buf)
{
	switch (set->kind) {
	case SCENARIOS_MATRIX:
		return matrix_value(set, index, param);
	case SCENARIOS_RANGE:
		/* Wraps like int64 arithmetic; the value lies within [start, stop]. */
		snprintf(buf->text, sizeof buf->text, "%" PRId64,
			 (int64_t)((uint64_t)set->start + (uint64_t)index * (uint64_t)set->step));
		return buf->text;
	case SCENARIOS_LIST:
	case SCENARIOS_CSV:
		return set->cells[index * set->n_params + param];
	case SCENARIOS_SINGLE:
		break;
	}
	return NULL;
}

/* The parameters of scenario index as a JSON object. */
static json_t *scenario_parameters(const struct scenario_set *set, size_t index)
{
	json_t *params = json_object();
	struct scenario_value_buf buf;

	for (size_t p = 0; params && p < set->n_params; p++) {
		if (json_object_set_new(params, set->names[p],
					json_string(scenarios_value(set, index, p, &buf))) != 0) {
			json_decref(params);
			return NULL;
		}
	}
	return params;
}

int scenarios_write_jsonl(const struct scenario_set *set, FILE *out)
{
	for (size_t i = 0; i < set->count; i++) {
		json_t *line = json_pack("{s:s, s:i, s:I, s:o}", "event_type", "scenario",
					 "schema_version", 1, "index", (json_int_t)i,
					 "parameters", scenario_parameters(set, i));
		int rc;

		if (!line)
			return -1;
		rc = json_dumpf(line, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(line);
		if (rc != 0 || fputc('\n', out) == EOF)
			return -1;
	}
	return 0;
}
