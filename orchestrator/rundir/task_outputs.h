/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A component's `outputs:` for one scenario: its patterns rendered and
 * looked for on the shared filesystem, from the login node.
 *
 * Rendering: each pattern's placeholders take the scenario's parameter
 * values and the built-ins (task_id, attempt, run_dir, component, project,
 * cpus), inserted as they are with the glob characters * ? [ \ escaped, so
 * a value matches only itself. A relative pattern starts in the
 * component's working directory: the config's directory, resolved, which
 * the script's prelude changes to on Slurm and locally alike.
 *
 * Checking: glob(3) per pattern (no walk beyond it), then one stat per
 * match; a pattern is present when at least one match exists. Bounded by
 * the patterns and their matches, never by the directory's size beyond
 * what glob reads.
 *
 * Tests: orchestrator/rundir/test/test_task_outputs.c. */
#ifndef SCALABLE_TASK_OUTPUTS_H
#define SCALABLE_TASK_OUTPUTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config_file.h"
#include "lib/util/error.h"
#include "sha256.h"

/* Where a task is: what its patterns are rendered with. */
struct task_place {
	const struct config *config;
	const struct component *component;
	size_t index;
	unsigned attempt;
	const char *run_dir;
};

/* One file a pattern matched: what the cache records of it. */
struct output_file {
	char *path;                       /* absolute */
	uint64_t size;
	int64_t mtime_ns;
	char sha256[SHA256_HEX_SIZE];     /* "" until hashed */
};

struct output_files {
	struct output_file *file;
	size_t count;
};

/* The component's patterns rendered for the place, absolute: an array of
 * component->outputs.count strings (free each, then it); NULL with err. */
char **task_outputs_render(const struct task_place *place, struct error *err);
void task_outputs_free_patterns(char **patterns, size_t count);

/* Looks for the place's outputs. *missing: NULL when every pattern matched,
 * else a new JSON array of {"pattern" (as written), "path" (as rendered)}
 * per pattern without a match. files (may be NULL): every regular file
 * matched, stat'ed, not hashed, sorted by path. -1 with err on a system
 * error (out of memory, a glob read error). */
int task_outputs_check(const struct task_place *place, json_t **missing,
		       struct output_files *files, struct error *err);
/* "results/{{ region }}.csv (/abs/results/north.csv), ..." of a missing
 * array, at most len bytes. */
void task_outputs_describe(const json_t *missing, char *text, size_t len);
void output_files_free(struct output_files *files);

#endif
