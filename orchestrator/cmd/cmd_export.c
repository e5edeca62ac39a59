/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable export [RUN | --run-id RUN | --latest] --format parquet|csv|tsv
 * [-o DIR] [--json]: a run's tasks, attempts and failures as tables
 * (export.h). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/run_ref.h"
#include "export/export.h"
#include "lib/util/exit_codes.h"
#include "rundir/run_dir.h"

static const char help[] =
	"usage: scalable export [RUN | --run-id RUN | --latest] --format parquet|csv|tsv\n"
	"                       [-o DIR] [--json]\n"
	"\n"
	"A run's telemetry as three tables for pandas, polars, duckdb or R, from its\n"
	"directory alone (no network, no Slurm, no lock):\n"
	"  tasks     one row per component and scenario: final state, attempts,\n"
	"            first and last start, last end, duration, peak memory against\n"
	"            the request, node, failure class and message, and one typed\n"
	"            column per scenario parameter (param_<name>)\n"
	"  attempts  one row per attempt (tasks.jsonl's state changes merged)\n"
	"  failures  one row per failed attempt (failures.jsonl)\n"
	"Unknown values are null. Each file is written whole (a temporary file\n"
	"renamed over it). docs/run-directory.md lists the columns and their types.\n"
	"\n"
	"  RUN               a run id, a unique prefix, its 8-hex suffix, or the\n"
	"                    run's directory\n"
	"  --run-id RUN      the same as RUN\n"
	"  --latest          the most recent run (the default)\n"
	"  --format FORMAT   parquet (zstd), csv (RFC 4180: CRLF, a header row, an\n"
	"                    empty field for null) or tsv (as Nextflow's trace: tab\n"
	"                    separated, a header row, - for null, no quoting)\n"
	"  -o, --output DIR  where to write tasks.FORMAT, attempts.FORMAT and\n"
	"                    failures.FORMAT (made when missing). Default:\n"
	"                    <run dir>/export\n"
	"  --json            print what was written (files, rows) as JSON\n"
	"  -h, --help        show this help\n"
	"\n"
	"Runs live in $SCALABLE_RUNS_DIR, else the site or user defaults' runs_dir\n"
	"(scalable.yaml(5), DEFAULTS), else ./.scalable/runs. `snapshots:` in\n"
	"scalable.yaml writes the same tables into <run dir>/snapshots when a run\n"
	"closes.\n"
	"\n"
	"Exit codes: 0 written; 2 bad usage; 3 I/O error; 5 no such run.\n";

struct export_args {
	const char *run;     /* NULL: the latest */
	enum export_format format;
	bool has_format, json;
	const char *output;  /* NULL: <run dir>/export */
};

/* Reads the options; returns -1 to go on, else the exit code to stop with. */
static int parse_args(int argc, char **argv, struct export_args *args)
{
	static const struct option options[] = {
		RUN_REF_OPTIONS,
		{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },	 { NULL, 0, NULL, 0 },
	};
	struct run_ref ref = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, "ho:", options, NULL)) != -1) {
		if (run_ref_option(&ref, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		case 'o': args->output = optarg; break;
		case 'j': args->json = true; break;
		case 'f':
			if (!export_format_from_name(optarg, &args->format))
				return cli_usage_error("export", "--format is parquet, csv or tsv, "
						       "not '%s'", optarg);
			args->has_format = true;
			break;
		default: return cli_usage_error("export", "bad option");
		}
	}
	if (!run_ref_finish("export", &ref, argc, argv, optind, true, &args->run))
		return SCALABLE_EXIT_USAGE;
	if (!args->has_format)
		return cli_usage_error("export", "--format is missing (expected parquet, csv or tsv)");
	if (args->output && !*args->output)
		return cli_usage_error("export", "-o needs a directory name");
	return -1;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static int print_json(const struct export_result *r, enum export_format format)
{
	json_t *files = json_array();
	json_t *out = json_pack("{s:s, s:s, s:o}", "run_id", r->run_id, "format",
				export_format_name(format), "files", files);

	for (size_t i = 0; out && i < r->n_files; i++)
		json_array_append_new(files, json_pack("{s:s, s:s, s:I, s:I}", "table",
				      r->files[i].table, "path", r->files[i].path, "rows",
				      (json_int_t)r->files[i].rows, "bytes",
				      (json_int_t)file_size(r->files[i].path)));
	if (!out || json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		json_decref(out);
		fprintf(stderr, "scalable: cannot print what was written\n");
		return SCALABLE_EXIT_SYSTEM;
	}
	putchar('\n');
	json_decref(out);
	return SCALABLE_EXIT_OK;
}

static int print_human(const struct export_result *r)
{
	for (size_t i = 0; i < r->n_files; i++)
		printf("%-8s %10zu rows  %s\n", r->files[i].table, r->files[i].rows,
		       r->files[i].path);
	return SCALABLE_EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	struct export_args args = { 0 };
	struct export_result result;
	struct run_dir *run;
	struct error err;
	int rc = parse_args(argc, argv, &args);

	if (rc >= 0)
		return rc;
	if (cli_find_run(args.run, &run, &err) != 0)
		return cli_fail(&err);
	rc = export_run(run->path, args.format, args.output, &result, &err);
	run_dir_free(run);
	if (rc != 0) {
		export_result_free(&result);
		return cli_fail(&err);
	}
	rc = args.json ? print_json(&result, args.format) : print_human(&result);
	export_result_free(&result);
	return rc;
}
