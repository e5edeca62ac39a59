/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable status [RUN|--latest] [--json]: how a run stands, read-only. */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/run_ref.h"
#include "cmd/commands.h"
#include "lib/util/exit_codes.h"
#include "run/run_session.h"
#include "cmd/status_view.h"
#include "cmd/status_print.h"

static const char help[] =
	"usage: scalable status [RUN | --run-id RUN | --latest] [--json]\n"
	"\n"
	"Shows how a run stands: its status, whether an orchestrator follows it,\n"
	"counts per state and per component, and its failed attempts grouped by\n"
	"failure class and message prefix. Without RUN: the latest run. RUN is a\n"
	"run id, a unique prefix, its 8-hex suffix, or its directory.\n"
	"Read-only: takes no lock and writes nothing, so it works on a run being\n"
	"followed, a detached one, or one whose orchestrator died (counts include\n"
	"the step events recorded since). It does not ask Slurm.\n"
	"\n"
	"  --run-id RUN the same as RUN\n"
	"  --latest     the most recent run (the default)\n"
	"  --json       print the status as one JSON object\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit codes: 0 ok; 2 bad usage; 3 I/O error; 5 no such run.\n";

struct status_args {
	const char *run;
	bool json;
};

static int parse_args(int argc, char **argv, struct status_args *args)
{
	static const struct option options[] = {
		RUN_REF_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_ref ref = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (run_ref_option(&ref, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		case 'j':
			args->json = true;
			break;
		default:
			return cli_usage_error("status", "bad option");
		}
	}
	if (!run_ref_finish("status", &ref, argc, argv, optind, true, &args->run))
		return SCALABLE_EXIT_USAGE;
	return -1;
}

int cmd_status(int argc, char **argv)
{
	struct status_args args = { 0 };
	struct run_session_spec spec = { .command = "status", .read_only = true };
	struct run_session *s;
	struct error err;
	json_t *view;
	int rc = parse_args(argc, argv, &args);

	if (rc >= 0)
		return rc;
	spec.run = args.run;
	if (cli_attach(&spec, &s, &err) != 0)
		return cli_fail(&err);
	view = status_view_json(s);
	run_session_free(s);
	if (!view) {
		fprintf(stderr, "scalable: out of memory\n");
		return SCALABLE_EXIT_SYSTEM;
	}
	if (args.json) {
		json_dumpf(view, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		status_print(stdout, view);
	}
	json_decref(view);
	return SCALABLE_EXIT_OK;
}
