/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable runs [--json | --ids]: the runs under the runs directory. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "lib/util/exit_codes.h"
#include "rundir/run_owner.h"
#include "run/run_session.h"
#include "cmd/status_view.h"
#include "cmd/status_print.h"

static const char help[] =
	"usage: scalable runs [--json | --ids]\n"
	"\n"
	"Lists the runs under $SCALABLE_RUNS_DIR (else the defaults' runs_dir, else\n"
	"./.scalable/runs),\n"
	"oldest first: status, tasks, succeeded and failed counts, start time and\n"
	"target. Read-only. Closed runs are read from their run.json summary;\n"
	"running ones are counted from their records and events.\n"
	"\n"
	"  --json       print a JSON array of runs\n"
	"  --ids        print only the run ids, oldest first, one a line (their\n"
	"               records are not read: for scripts and shell completion)\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit codes: 0 ok; 2 bad usage; 3 I/O error.\n";

/* One run's line: from run.json when it is closed, else from its records. */
static json_t *view_of(const char *root, const char *id)
{
	struct run_session_spec spec = { .runs_root = root, .run = id, .read_only = true };
	struct run_session *s;
	struct run_record record;
	struct error err;
	json_t *view = NULL;
	char *path;

	if (asprintf(&path, "%s/%s", root, id) < 0)
		return NULL;
	if (run_record_read(path, &record, &err) != 0) {
		view = json_pack("{s:s, s:s, s:s}", "run_id", id, "run_dir", path, "status",
				 "unreadable");
	} else if (record.status != RUN_STATUS_RUNNING) {
		view = status_view_closed_json(id, path, &record);
	} else if (run_session_attach(&spec, &s, &err) == 0) {
		view = status_view_json(s);
		run_session_free(s);
	}
	run_record_clear(&record);
	free(path);
	return view;
}

enum runs_output { RUNS_TEXT, RUNS_JSON, RUNS_IDS };

static int list_runs(enum runs_output output)
{
	struct run_list list = { 0 };
	json_t *views = json_array();
	struct error err;
	char *root = cli_runs_root(NULL, &err);

	if (!root || !views || run_dir_list(root, &list, &err) != 0) {
		free(root);
		json_decref(views);
		return views ? cli_fail(&err) : SCALABLE_EXIT_SYSTEM;
	}
	run_list_note_foreign(root, &list);
	for (size_t i = 0; output == RUNS_IDS && i < list.count; i++)
		puts(list.ids[i]);
	for (size_t i = 0; output != RUNS_IDS && i < list.count; i++) {
		json_t *view = view_of(root, list.ids[i]);

		if (view)
			json_array_append_new(views, view);
	}
	if (output == RUNS_JSON) {
		json_dumpf(views, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (output == RUNS_TEXT) {
		runs_print(stdout, views);
	}
	json_decref(views);
	run_list_free(&list);
	free(root);
	return SCALABLE_EXIT_OK;
}

int cmd_runs(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ids", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum runs_output output = RUNS_TEXT;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		}
		if ((opt != 'j' && opt != 'i') || output != RUNS_TEXT)
			return cli_usage_error("runs", opt == 'j' || opt == 'i'
					       ? "give --json or --ids, not both" : "bad option");
		output = opt == 'j' ? RUNS_JSON : RUNS_IDS;
	}
	if (optind < argc)
		return cli_usage_error("runs", "no arguments expected, got '%s'", argv[optind]);
	return list_runs(output);
}
