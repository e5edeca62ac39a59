/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable cancel RUN|--run-id RUN|--latest [--json]: cancel every job of a
 * run and close it. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/run_ref.h"
#include "cmd/commands.h"
#include "lib/util/exit_codes.h"
#include "lib/util/interrupt.h"
#include "run/run_close.h"
#include "run/run_session.h"

#define HANDOVER_WAIT_S 120

static const char help[] =
	"usage: scalable cancel RUN | --run-id RUN | --latest [--json]\n"
	"\n"
	"Cancels a run: one scancel for all its jobs that are not over (the local\n"
	"target: its tasks are terminated), every open task recorded `cancelled`,\n"
	"and run.json closed with status `cancelled` and its summary. Finished\n"
	"tasks keep their state.\n"
	"If an orchestrator follows the run (`scalable run` or `watch`), cancel\n"
	"asks it to do this (the file .cancel in the run directory) and waits up\n"
	"to 2 minutes for the run to close.\n"
	"\n"
	"  --run-id RUN the same as RUN: a run id, a unique prefix, its 8-hex\n"
	"               suffix, or its directory\n"
	"  --latest     the most recent run\n"
	"  --json       print the outcome as one JSON object: run_id, run_dir,\n"
	"               outcome (cancelled, already_over, cancelled_by_follower),\n"
	"               status, and the task counts when this cancel did it\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit codes: 0 cancelled (or over already); 2 bad usage; 3 Slurm or I/O\n"
	"error, or the orchestrator did not answer; 5 no such run.\n";

static int parse_args(int argc, char **argv, const char **run, bool *json)
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
		if (opt == 'h') {
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		}
		if (opt == 'j')
			*json = true;
		else if (!run_ref_option(&ref, opt, optarg))
			return cli_usage_error("cancel", "bad option");
	}
	return run_ref_finish("cancel", &ref, argc, argv, optind, false, run)
		       ? -1 : SCALABLE_EXIT_USAGE;
}

/* What came of a cancel, for the text or the JSON. */
struct cancel_outcome {
	char id[RUN_ID_MAX], dir[4096];
	const char *outcome;          /* cancelled, already_over, cancelled_by_follower */
	enum run_status status;
	bool counted;                 /* this cancel did it: the counts below */
	size_t cancelled, succeeded, failed;
};

static void outcome_of(struct cancel_outcome *o, const struct run_dir *run, const char *what)
{
	snprintf(o->id, sizeof o->id, "%s", run->id);
	snprintf(o->dir, sizeof o->dir, "%s", run->path);
	o->outcome = what;
}

static int print_json(const struct cancel_outcome *o)
{
	json_t *out = json_pack("{s:s, s:s, s:s, s:s}", "run_id", o->id, "run_dir", o->dir,
				"outcome", o->outcome, "status", run_status_name(o->status));

	if (out && o->counted)
		json_object_set_new(out, "tasks", json_pack("{s:I, s:I, s:I}", "cancelled",
				    (json_int_t)o->cancelled, "succeeded", (json_int_t)o->succeeded,
				    "failed", (json_int_t)o->failed));
	if (!out || json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		json_decref(out);
		fprintf(stderr, "scalable: cannot print the outcome\n");
		return SCALABLE_EXIT_SYSTEM;
	}
	putchar('\n');
	json_decref(out);
	return SCALABLE_EXIT_OK;
}

static int print_outcome(const struct cancel_outcome *o, bool json)
{
	if (json)
		return print_json(o);
	if (o->counted)
		printf("run %s cancelled: %zu task(s) cancelled, %zu succeeded, %zu failed\n",
		       o->id, o->cancelled, o->succeeded, o->failed);
	else if (strcmp(o->outcome, "already_over") == 0)
		printf("run %s is %s already\n", o->id, run_status_name(o->status));
	else
		printf("run %s\n", run_status_name(o->status));
	return SCALABLE_EXIT_OK;
}

/* The run is followed by another orchestrator: ask it, and wait. */
static int ask_follower(struct run_session_spec *spec, struct cancel_outcome *o, bool json)
{
	struct run_session *s;
	struct run_record r;
	struct error err;

	spec->read_only = true;
	if (cli_attach(spec, &s, &err) != 0)
		return cli_fail(&err);
	outcome_of(o, s->run, "cancelled_by_follower");
	fprintf(json ? stderr : stdout, "%s is followed by another orchestrator: asking it to "
		"cancel ...\n", s->run->id);
	fflush(stdout);
	run_session_free(s);
	if (run_cancel_request(o->dir, &err) != 0)
		return cli_fail(&err);
	for (int waited = 0; waited < HANDOVER_WAIT_S; waited++) {
		bool over = run_record_read(o->dir, &r, &err) == 0 &&
			    r.status != RUN_STATUS_RUNNING;

		o->status = r.status;
		run_record_clear(&r);
		if (over)
			return -1;
		interrupt_sleep_ms(1000);
	}
	fprintf(stderr, "scalable: the orchestrator did not close the run within %d s; "
		"see scalable status\n", HANDOVER_WAIT_S);
	return SCALABLE_EXIT_SYSTEM;
}

/* Cancels s; -1 with *o filled, else the exit code to stop with. */
static int cancel(struct run_session *s, struct cancel_outcome *o)
{
	struct tracker_counts after;
	struct error err;

	o->status = s->record.status;
	if (s->record.status != RUN_STATUS_RUNNING) {
		outcome_of(o, s->run, "already_over");
		return -1;
	}
	if (run_session_cancel(s, &err) != 0)
		return cli_fail(&err);
	outcome_of(o, s->run, "cancelled");
	tracker_counts(s->tracker, NULL, &after);
	o->status = RUN_STATUS_CANCELLED;
	o->counted = true;
	o->cancelled = after.by_state[TASK_CANCELLED];
	o->succeeded = after.by_state[TASK_SUCCEEDED];
	o->failed = after.by_state[TASK_FAILED];
	return -1;
}

int cmd_cancel(int argc, char **argv)
{
	struct run_session_spec spec = { .command = "cancel" };
	struct cancel_outcome o = { 0 };
	struct run_session *s;
	struct error err;
	bool json = false;
	int rc = parse_args(argc, argv, &spec.run, &json);

	if (rc >= 0)
		return rc;
	if (cli_attach(&spec, &s, &err) != 0) {
		if (err.exit_code != SCALABLE_EXIT_LOCKED)
			return cli_fail(&err);
		rc = ask_follower(&spec, &o, json);
	} else {
		rc = cancel(s, &o);
		run_session_free(s);
	}
	return rc >= 0 ? rc : print_outcome(&o, json);
}
