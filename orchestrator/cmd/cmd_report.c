/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable report [RUN | --run-id RUN | --latest] [--format html|md|json]
 * [-o FILE]: a run's report (report.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/run_ref.h"
#include "cmd/commands.h"
#include "lib/util/exit_codes.h"
#include "report/report.h"
#include "rundir/run_dir.h"

static const char help[] =
	"usage: scalable report [RUN | --run-id RUN | --latest] [--format html|md|json]\n"
	"                       [--json] [-o FILE]\n"
	"\n"
	"A run's report from its directory alone (no network, no Slurm, no lock):\n"
	"the run's header (id, project, target, status, times, config digest), the\n"
	"counts per task state and per failure class, a timeline of every index\n"
	"coloured by what became of it (in at most 200 columns, however many tasks),\n"
	"peak memory and durations per component against their requests, the first\n"
	"failures of each class, and diagnose's findings. Works on a finished run,\n"
	"one in progress, and one whose orchestrator died.\n"
	"\n"
	"  RUN               a run id, a unique prefix, its 8-hex suffix, or the\n"
	"                    run's directory\n"
	"  --run-id RUN      the same as RUN\n"
	"  --latest          the most recent run (the default)\n"
	"  --format FORMAT   html (the default): one self-contained page, nothing\n"
	"                    loaded from anywhere; md: Markdown, for mail and\n"
	"                    terminals; json: for scripts\n"
	"  --json            the same as --format json\n"
	"  -o, --output FILE where to write it (atomically); - for stdout. Default:\n"
	"                    <run dir>/report.html for html (its path is printed),\n"
	"                    stdout for md and json\n"
	"  -h, --help        show this help\n"
	"\n"
	"Runs live in $SCALABLE_RUNS_DIR, else the site or user defaults' runs_dir\n"
	"(scalable.yaml(5), DEFAULTS), else ./.scalable/runs.\n"
	"\n"
	"Exit codes: 0 written; 2 bad usage; 3 I/O error; 5 no such run.\n";

struct report_args {
	const char *run;     /* NULL: the latest */
	enum report_format format;
	const char *output;  /* NULL: the default for the format */
};

/* Reads the options; returns -1 to go on, else the exit code to stop with. */
static int parse_args(int argc, char **argv, struct report_args *args)
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
		case 'j': args->format = REPORT_JSON; break;
		case 'f':
			if (!report_format_from_name(optarg, &args->format))
				return cli_usage_error("report", "--format is html, md or json, "
						       "not '%s'", optarg);
			break;
		default: return cli_usage_error("report", "bad option");
		}
	}
	if (!run_ref_finish("report", &ref, argc, argv, optind, true, &args->run))
		return SCALABLE_EXIT_USAGE;
	if (args->output && !*args->output)
		return cli_usage_error("report", "-o needs a file name (or - for stdout)");
	return -1;
}

int cmd_report(int argc, char **argv)
{
	struct report_args args = { .format = REPORT_HTML };
	struct run_dir *run;
	struct error err;
	const char *output;
	char *path = NULL;
	int rc = parse_args(argc, argv, &args);

	if (rc >= 0)
		return rc;
	if (cli_find_run(args.run, &run, &err) != 0)
		return cli_fail(&err);
	output = args.output ? args.output : args.format == REPORT_HTML ? NULL : "-";
	if (!output && asprintf(&path, "%s/report.html", run->path) < 0) {
		run_dir_free(run);
		return SCALABLE_EXIT_SYSTEM;
	}
	rc = report_write(run->path, args.format, path ? path : output, &err);
	run_dir_free(run);
	if (rc != 0) {
		free(path);
		return cli_fail(&err);
	}
	if (strcmp(path ? path : output, "-") != 0)
		printf("%s\n", path ? path : output);  /* where to open it */
	free(path);
	return SCALABLE_EXIT_OK;
}
