/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable export: a run directory as three analysis tables, written as
 * Parquet (lib/parquet), CSV (RFC 4180) or TSV (Nextflow's trace style),
 * one file per table:
 *   tasks     one row per component and scenario: its final state, the
 *             attempts, times, memory, node, failure, and one typed column
 *             per scenario parameter (param_<name>);
 *   attempts  one row per attempt (tasks.jsonl's state changes merged);
 *   failures  one row per failed attempt (failures.jsonl).
 * docs/run-directory.md ("Export") lists the columns and their types.
 *
 * Read-only on the run (no lock); each file is written whole (a temporary
 * file renamed over it), so an error leaves no half-written table.
 *
 * Tests: orchestrator/export/test/test_export.c, tests/cli/export_cli.sh. */
#ifndef SCALABLE_EXPORT_H
#define SCALABLE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util/error.h"

enum export_format { EXPORT_PARQUET, EXPORT_CSV, EXPORT_TSV, EXPORT_FORMAT_COUNT };

/* "parquet", "csv", "tsv"; false for anything else. */
bool export_format_from_name(const char *name, enum export_format *format);
/* Also the extension of the files. */
const char *export_format_name(enum export_format format);

#define EXPORT_TABLES 3

struct export_file {
	const char *table;    /* "tasks", "attempts", "failures" */
	char *path;
	size_t rows;
};

struct export_result {
	char *run_id;
	struct export_file files[EXPORT_TABLES];
	size_t n_files;
};

/* Writes the tables of the run at run_dir as out_dir/<table>.<format>
 * (out_dir made when missing; NULL: <run_dir>/export). Errors: exit code 5
 * when run_dir holds no run, 3 when a file cannot be read or written. */
int export_run(const char *run_dir, enum export_format format, const char *out_dir,
	       struct export_result *result, struct error *err);
/* The same for several formats at once, reading the run once (snapshots). */
int export_run_formats(const char *run_dir, const enum export_format *formats, size_t n,
		       const char *out_dir, struct export_result *results, struct error *err);
void export_result_free(struct export_result *result);

#endif
