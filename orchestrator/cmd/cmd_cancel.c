/* scalable cancel RUN|--latest: cancel every job of a run and close it. */
#include <getopt.h>
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
	"usage: scalable cancel RUN | --run-id RUN | --latest\n"
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
	"  -h, --help   show this help\n"
	"\n"
	"Exit codes: 0 cancelled (or over already); 2 bad usage; 3 Slurm or I/O\n"
	"error, or the orchestrator did not answer; 5 no such run.\n";

static int parse_args(int argc, char **argv, const char **run)
{
	static const struct option options[] = {
		RUN_REF_OPTIONS,
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
		if (!run_ref_option(&ref, opt, optarg))
			return cli_usage_error("cancel", "bad option");
	}
	return run_ref_finish("cancel", &ref, argc, argv, optind, false, run)
		       ? -1 : SCALABLE_EXIT_USAGE;
}

/* The run is followed by another orchestrator: ask it, and wait. */
static int ask_follower(struct run_session_spec *spec)
{
	struct run_session *s;
	struct run_record r;
	struct error err;
	char path[4096];
	int rc = SCALABLE_EXIT_SYSTEM;

	spec->read_only = true;
	if (run_session_attach(spec, &s, &err) != 0)
		return cli_fail(&err);
	snprintf(path, sizeof path, "%s", s->run->path);
	printf("%s is followed by another orchestrator: asking it to cancel ...\n", s->run->id);
	fflush(stdout);
	run_session_free(s);
	if (run_cancel_request(path, &err) != 0)
		return cli_fail(&err);
	for (int waited = 0; waited < HANDOVER_WAIT_S; waited++) {
		if (run_record_read(path, &r, &err) == 0 && r.status != RUN_STATUS_RUNNING) {
			printf("run %s\n", run_status_name(r.status));
			rc = SCALABLE_EXIT_OK;
		}
		run_record_clear(&r);
		if (rc == SCALABLE_EXIT_OK)
			return rc;
		interrupt_sleep_ms(1000);
	}
	fprintf(stderr, "scalable: the orchestrator did not close the run within %d s; "
		"see scalable status\n", HANDOVER_WAIT_S);
	return rc;
}

static int cancel(struct run_session *s)
{
	struct tracker_counts before, after;
	struct error err;

	if (s->record.status != RUN_STATUS_RUNNING) {
		printf("run %s is %s already\n", s->run->id, run_status_name(s->record.status));
		return SCALABLE_EXIT_OK;
	}
	tracker_counts(s->tracker, NULL, &before);
	if (run_session_cancel(s, &err) != 0)
		return cli_fail(&err);
	tracker_counts(s->tracker, NULL, &after);
	printf("run %s cancelled: %zu task(s) cancelled, %zu succeeded, %zu failed\n", s->run->id,
	       after.by_state[TASK_CANCELLED], after.by_state[TASK_SUCCEEDED],
	       after.by_state[TASK_FAILED]);
	return SCALABLE_EXIT_OK;
}

int cmd_cancel(int argc, char **argv)
{
	struct run_session_spec spec = { .command = "cancel" };
	struct run_session *s;
	struct error err;
	int rc = parse_args(argc, argv, &spec.run);

	if (rc >= 0)
		return rc;
	if (run_session_attach(&spec, &s, &err) != 0)
		return err.exit_code == SCALABLE_EXIT_LOCKED ? ask_follower(&spec) : cli_fail(&err);
	rc = cancel(s);
	run_session_free(s);
	return rc;
}
