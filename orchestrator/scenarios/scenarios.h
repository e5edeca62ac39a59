/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scenario set: an indexed list (0..N-1) of parameter maps sharing one
 * ordered list of parameter names.
 *
 * Stored compactly whatever N is: a matrix keeps only its value lists and
 * decodes an index as a mixed-radix number (last parameter fastest); a range
 * computes its value; a list or CSV keeps one flat table of strings. */
#ifndef SCALABLE_SCENARIOS_H
#define SCALABLE_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/util/error.h"

#define SCENARIOS_MAX 10000000u  /* a sweep larger than this is a mistake */
/* Each parameter is an environment variable of every task and a field of
 * every tasks-file line; names are checked pairwise, so this bounds that. */
#define SCENARIOS_MAX_PARAMS 1000u
#define SCENARIOS_TOO_MANY_PARAMS "more than 1000 parameters (expected fewer: each " \
	"is an environment variable of every task)"

enum scenario_kind {
	SCENARIOS_SINGLE,  /* no scenarios section: one scenario, no parameters */
	SCENARIOS_MATRIX,
	SCENARIOS_LIST,
	SCENARIOS_RANGE,
	SCENARIOS_CSV,
};

struct scenario_set;

/* Scratch space for values that are computed (ranges), not stored. */
struct scenario_value_buf {
	char text[24];
};

struct scenario_set *scenarios_new_single(void);
struct scenario_set *scenarios_new_matrix(void);
/* Adds a matrix parameter, taking ownership of values (malloc'd strings in a
 * malloc'd array, n > 0). Fails (ERANGE) when the product would exceed
 * SCENARIOS_MAX; values are freed either way. */
int scenarios_matrix_add(struct scenario_set *set, const char *name, char **values,
			 size_t n);
/* A list or CSV table with these parameter names (copied). */
struct scenario_set *scenarios_new_table(enum scenario_kind kind,
					 const char *const *names, size_t n);
/* Appends one row: a value per parameter, in name order (copied). */
int scenarios_table_add_row(struct scenario_set *set, const char *const *values);
/* start, start+step, ... up to and including stop. Fails (ERANGE) when empty
 * or larger than SCENARIOS_MAX. */
int scenarios_new_range(const char *name, int64_t start, int64_t stop, int64_t step,
			struct scenario_set **out);
void scenarios_free(struct scenario_set *set);

enum scenario_kind scenarios_kind(const struct scenario_set *set);
const char *scenarios_kind_name(enum scenario_kind kind);
size_t scenarios_count(const struct scenario_set *set);
size_t scenarios_param_count(const struct scenario_set *set);
const char *scenarios_param_name(const struct scenario_set *set, size_t param);
/* Parameter param of scenario index (index < count). */
const char *scenarios_value(const struct scenario_set *set, size_t index,
			    size_t param, struct scenario_value_buf *buf);

/* scenarios.jsonl: one line per scenario, {"event_type": "scenario",
 * "schema_version": 1, "index": I, "parameters": {...}}. */
int scenarios_write_jsonl(const struct scenario_set *set, FILE *out);

/* Reads a CSV file with a header row of parameter names (RFC 4180 quoting);
 * errors name the CSV file's line and column. */
int scenarios_load_csv(const char *path, struct scenario_set **out, struct error *err);

#endif
