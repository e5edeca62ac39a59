/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scenarios: exactly one of matrix, list, range or csv. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/config_loader.h"
#include "lib/util/did_you_mean.h"
#include "scenarios/param_name.h"
#include "scenarios/scenarios.h"

static int out_of_memory(struct loader *L)
{
	error_system(L->err, "%s", L->path);
	return -1;
}

/* Checks the parameter name in key against the rules and earlier keys. */
static int check_param_key(struct loader *L, const struct ynode *map, size_t i)
{
	const struct ynode *key = ymap_key(map, i);
	const char *problem = param_name_problem(key->text);

	if (problem)
		return fail_at(L, key, "bad parameter name '%s' (%s)", key->text, problem);
	for (size_t j = 0; j < i; j++)
		if (strcasecmp(ymap_key(map, j)->text, key->text) == 0)
			return fail_at(L, key, "parameter '%s' differs from '%s' only in case "
				       "(expected names that stay distinct as "
				       "SCALABLE_PARAM_<NAME uppercased>)", key->text,
				       ymap_key(map, j)->text);
	return 0;
}

/* A parameter value: any scalar but null. */
static int want_param_value(struct loader *L, const struct ynode *value)
{
	if (value->kind == YNODE_SCALAR && !ynode_is_null(value))
		return 0;
	return fail_at(L, value, "parameter value is %s (expected a string or number; "
		       "quote it to mean the text)", ynode_describe(value));
}

/* The values of one matrix parameter, copied. */
static char **matrix_values(struct loader *L, const struct ynode *list)
{
	char **values;

	if (want_kind(L, list, YNODE_SEQUENCE, "a matrix parameter") != 0)
		return NULL;
	if (list->n_child == 0) {
		fail_at(L, list, "empty list of values (expected at least one value)");
		return NULL;
	}
	if (!(values = calloc(list->n_child, sizeof *values))) {
		out_of_memory(L);
		return NULL;
	}
	for (size_t i = 0; i < list->n_child; i++) {
		if (want_param_value(L, list->child[i]) != 0)
			break;
		if (!(values[i] = strdup(list->child[i]->text))) {
			out_of_memory(L);
			break;
		}
		if (i + 1 == list->n_child)
			return values;
	}
	for (size_t j = 0; j < list->n_child; j++)
		free(values[j]);
	free(values);
	return NULL;
}

static int load_matrix(struct loader *L, const struct ynode *map)
{
	struct scenario_set *set;

	if (want_kind(L, map, YNODE_MAPPING, "matrix") != 0)
		return -1;
	if (ymap_size(map) == 0)
		return fail_at(L, map, "empty matrix (expected parameter: [values, ...])");
	if (ymap_size(map) > SCENARIOS_MAX_PARAMS)
		return fail_at(L, map, SCENARIOS_TOO_MANY_PARAMS);
	if (!(set = L->config->scenarios = scenarios_new_matrix()))
		return out_of_memory(L);
	for (size_t i = 0; i < ymap_size(map); i++) {
		const struct ynode *values = ymap_value(map, i);
		char **copy;

		if (check_param_key(L, map, i) != 0 || !(copy = matrix_values(L, values)))
			return -1;
		if (scenarios_matrix_add(set, ymap_key(map, i)->text, copy,
					 values->n_child) != 0)
			return errno == ERANGE
				       ? fail_at(L, values, "the matrix has more than %u "
						 "scenarios (expected fewer)", SCENARIOS_MAX)
				       : out_of_memory(L);
	}
	return 0;
}

/* The keys of one list entry, sorted by name (as positions), to look the
 * first entry's names up in. */
struct sorted_keys {
	const struct ynode *entry;
	size_t *position;
};

static int compare_positions(const void *a, const void *b, void *arg)
{
	const struct ynode *entry = arg;

	return strcmp(ymap_key(entry, *(const size_t *)a)->text,
		      ymap_key(entry, *(const size_t *)b)->text);
}

/* The value of name in the sorted keys, or NULL. */
static const struct ynode *sorted_lookup(const struct sorted_keys *k, const char *name)
{
	size_t lo = 0, hi = ymap_size(k->entry);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, ymap_key(k->entry, k->position[mid])->text);

		if (cmp == 0)
			return ymap_value(k->entry, k->position[mid]);
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Fills values with entry's value of each of the first entry's parameters,
 * in its order; false when entry's keys are not the same (keys are unique,
 * so the same count and every name found is the same set). Keys in the
 * first entry's order match in one pass; others through a sort, so that
 * 1,000 parameters in another order are not looked up one by one.
 * scratch holds ymap_size(first) positions. */
static bool entry_values(const struct ynode *first, const struct ynode *entry,
			 const struct ynode **values, size_t *scratch)
{
	struct sorted_keys keys = { entry, scratch };
	size_t n = ymap_size(first), i;

	if (ymap_size(entry) != n)
		return false;
	for (i = 0; i < n && strcmp(ymap_key(entry, i)->text, ymap_key(first, i)->text) == 0; i++)
		values[i] = ymap_value(entry, i);
	if (i == n)
		return true;
	for (size_t k = 0; k < n; k++)
		scratch[k] = k;
	qsort_r(scratch, n, sizeof *scratch, compare_positions, (void *)entry);
	for (i = 0; i < n; i++)
		if (!(values[i] = sorted_lookup(&keys, ymap_key(first, i)->text)))
			return false;
	return true;
}

/* Says how entry's parameters differ from the first entry's. */
static int key_mismatch(struct loader *L, const struct ynode *first,
			const struct ynode *entry, size_t number)
{
	for (size_t i = 0; i < ymap_size(entry); i++)
		if (!ymap_get(first, ymap_key(entry, i)->text))
			return fail_at(L, ymap_key(entry, i), "parameter '%s' is not in the "
				       "first scenario (expected the same parameters in "
				       "every scenario)", ymap_key(entry, i)->text);
	for (size_t i = 0; i < ymap_size(first); i++)
		if (!ymap_get(entry, ymap_key(first, i)->text))
			return fail_at(L, entry, "scenario %zu lacks parameter '%s' (expected "
				       "the same parameters in every scenario)", number,
				       ymap_key(first, i)->text);
	return fail_at(L, entry, "scenario %zu has other parameters than the first", number);
}

/* Adds one list entry (scenario number) in the first entry's parameter
 * order; values, row and scratch hold one per parameter. */
static int add_list_row(struct loader *L, const struct ynode *first, const struct ynode *entry,
			size_t number, const struct ynode **values, const char **row,
			size_t *scratch)
{
	if (want_kind(L, entry, YNODE_MAPPING, "a list scenario") != 0)
		return -1;
	if (!entry_values(first, entry, values, scratch))
		return key_mismatch(L, first, entry, number);
	for (size_t p = 0; p < ymap_size(first); p++) {
		if (want_param_value(L, values[p]) != 0)
			return -1;
		row[p] = values[p]->text;
	}
	if (scenarios_table_add_row(L->config->scenarios, row) != 0)
		return errno == ERANGE ? fail_at(L, entry, "more than %u scenarios",
						 SCENARIOS_MAX)
				       : out_of_memory(L);
	return 0;
}

/* The parameter names of the first list entry, checked. */
static const char **list_names(struct loader *L, const struct ynode *first)
{
	const char **names = calloc(ymap_size(first) + 1, sizeof *names);

	if (!names) {
		out_of_memory(L);
		return NULL;
	}
	for (size_t i = 0; i < ymap_size(first); i++) {
		if (check_param_key(L, first, i) != 0) {
			free(names);
			return NULL;
		}
		names[i] = ymap_key(first, i)->text;
	}
	return names;
}

static int load_list(struct loader *L, const struct ynode *list)
{
	const struct ynode *first, **values = NULL;
	const char **names;
	size_t *scratch = NULL;
	int rc = 0;

	if (want_kind(L, list, YNODE_SEQUENCE, "list") != 0)
		return -1;
	if (list->n_child == 0)
		return fail_at(L, list, "empty list (expected at least one scenario)");
	first = list->child[0];
	if (want_kind(L, first, YNODE_MAPPING, "a list scenario") != 0)
		return -1;
	if (ymap_size(first) > SCENARIOS_MAX_PARAMS)
		return fail_at(L, first, SCENARIOS_TOO_MANY_PARAMS);
	if (!(names = list_names(L, first)))
		return -1;
	L->config->scenarios = scenarios_new_table(SCENARIOS_LIST, names, ymap_size(first));
	values = calloc(ymap_size(first) + 1, sizeof *values);
	scratch = calloc(ymap_size(first) + 1, sizeof *scratch);
	if (!L->config->scenarios || !values || !scratch)
		rc = out_of_memory(L);
	/* names, no longer needed once the table has them, holds each row */
	for (size_t i = 0; rc == 0 && i < list->n_child; i++)
		rc = add_list_row(L, first, list->child[i], i + 1, values, names, scratch);
	free(values);
	free(scratch);
	free(names);
	return rc ? -1 : 0;
}

struct range_spec {
	char *name;
	int64_t start, stop, step;
};

static int range_int(struct loader *L, const struct ynode *value, int64_t *out)
{
	return read_int64(L, value, out);
}

static int range_start(struct loader *L, const struct ynode *v, void *o)
{
	return range_int(L, v, &((struct range_spec *)o)->start);
}

static int range_stop(struct loader *L, const struct ynode *v, void *o)
{
	return range_int(L, v, &((struct range_spec *)o)->stop);
}

static int range_step(struct loader *L, const struct ynode *v, void *o)
{
	return range_int(L, v, &((struct range_spec *)o)->step);
}

static const struct field range_fields[] = {
	{ "name", FIELD_STRING, offsetof(struct range_spec, name), 0, 0, NULL },
	{ "start", FIELD_CUSTOM, 0, 0, 0, range_start },
	{ "stop", FIELD_CUSTOM, 0, 0, 0, range_stop },
	{ "step", FIELD_CUSTOM, 0, 0, 0, range_step },
};

/* Checks the keys a range needs, after load_fields. */
static int check_range(struct loader *L, const struct ynode *map, const struct range_spec *r)
{
	static const char *const required[] = { "name", "start", "stop" };
	const char *problem;

	for (size_t i = 0; i < 3; i++)
		if (!ymap_get(map, required[i]) || ynode_is_null(ymap_get(map, required[i])))
			return fail_at(L, map, "range lacks '%s' (expected name, start, "
				       "stop and optionally step)", required[i]);
	if ((problem = param_name_problem(r->name)))
		return fail_at(L, ymap_get(map, "name"), "bad parameter name '%s' (%s)",
			       r->name, problem);
	if (r->step == 0)
		return fail_at(L, ymap_get(map, "step"), "step is 0 (expected a non-zero "
			       "integer)");
	return 0;
}

static int load_range(struct loader *L, const struct ynode *map)
{
	struct range_spec r = { .step = 1 };
	int rc = -1;

	if (load_fields(L, map, range_fields, sizeof range_fields / sizeof range_fields[0],
			&r, "range") == 0 && check_range(L, map, &r) == 0) {
		rc = scenarios_new_range(r.name, r.start, r.stop, r.step,
					 &L->config->scenarios);
		if (rc != 0 && errno == ERANGE)
			fail_at(L, map, "range from %lld to %lld by %lld holds no values or "
				"more than %u (expected start to stop inclusive, stepping "
				"toward stop)", (long long)r.start, (long long)r.stop,
				(long long)r.step, SCENARIOS_MAX);
		else if (rc != 0)
			out_of_memory(L);
	}
	free(r.name);
	return rc;
}

static int load_csv(struct loader *L, const struct ynode *value)
{
	char *given = NULL, *path;
	int rc;

	if (read_string(L, value, &given) != 0)
		return -1;
	if (!(path = config_relative_path(L->config, given))) {
		free(given);
		return out_of_memory(L);
	}
	if (access(path, R_OK) != 0) {
		int saved = errno;

		rc = fail_at(L, value, "cannot read CSV file '%s': %s (expected a file "
			     "relative to the config's directory)", given, strerror(saved));
	} else {
		rc = scenarios_load_csv(path, &L->config->scenarios, L->err);
	}
	free(path);
	free(given);
	return rc;
}

static const char *const kinds[] = { "matrix", "list", "range", "csv" };
static int (*const kind_loaders[])(struct loader *, const struct ynode *) = {
	load_matrix, load_list, load_range, load_csv,
};

/* Finds the loader for the kind named by key. */
static int pick_kind(struct loader *L, const struct ynode *key)
{
	const char *hint;

	for (size_t k = 0; k < 4; k++)
		if (strcmp(key->text, kinds[k]) == 0)
			return (int)k;
	hint = did_you_mean(key->text, kinds, 4);
	if (hint)
		return fail_at(L, key, "unknown scenario kind '%s' (did you mean '%s'?)",
			       key->text, hint);
	return fail_at(L, key, "unknown scenario kind '%s' (expected matrix, list, "
		       "range or csv)", key->text);
}

int load_scenarios(struct loader *L, const struct ynode *node)
{
	int kind;

	if (!node || ynode_is_null(node)) {
		L->config->scenarios = scenarios_new_single();
		return L->config->scenarios ? 0 : out_of_memory(L);
	}
	if (want_kind(L, node, YNODE_MAPPING, "scenarios") != 0)
		return -1;
	if (ymap_size(node) != 1)
		return fail_at(L, ymap_size(node) ? ymap_key(node, 1) : node,
			       "%s (expected exactly one of matrix, list, range, csv)",
			       ymap_size(node) ? "more than one scenario kind"
					       : "no scenario kind");
	if ((kind = pick_kind(L, ymap_key(node, 0))) < 0)
		return -1;
	return kind_loaders[kind](L, ymap_value(node, 0));
}
