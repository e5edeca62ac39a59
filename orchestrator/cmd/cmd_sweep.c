/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable sweep [--poll-interval DUR] RUN_DIR: what a sweeper job runs
 * (queued by `scalable submit` and by the sweeper before it): one bounded
 * pass over a detached run (sweeper_pass.h), then the run closed, or the next
 * sweeper queued (sweeper_chain.h). */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/run_ref.h"
#include "cmd/commands.h"
#include "lib/util/exit_codes.h"
#include "rfc3339.h"
#include "run/run_close.h"
#include "run/run_follow.h"
#include "rundir/run_lock.h"
#include "run/run_session.h"
#include "sweeper/sweeper_pass.h"

static const char help[] =
	"usage: scalable sweep [--poll-interval DUR] RUN_DIR\n"
	"\n"
	"One pass of a sweeper over the detached run in RUN_DIR (what the sweeper\n"
	"jobs of `scalable submit` run; seldom typed by hand). It takes the run's\n"
	"lock, reads the new step events, asks Slurm once for the whole run (one\n"
	"squeue, one sacct), classifies what ended and submits the retries due\n"
	"(backoff as --begin=now+N). Then: every task final, it closes run.json\n"
	"`completed` or `failed`; otherwise it queues the next sweeper after the\n"
	"run's jobs still queued (afterany), or after DUR when none is (accounting\n"
	"still settling). The chain is logged in RUN_DIR/sweepers.jsonl (intent\n"
	"before sbatch), and a sweeper that finds a newer one queued stops there.\n"
	"When another orchestrator holds the run (`scalable watch`), it only\n"
	"queues the next sweeper, after DUR. A `scalable cancel` asked for is\n"
	"carried out. Run by hand, it revives a run whose sweeper chain was lost.\n"
	"\n"
	"  --poll-interval DUR  the delay of a sweeper queued with nothing to wait\n"
	"                       for (default: the target's poll_interval, else 30s)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit codes: 0 the pass is done (whatever the run's outcome: see\n"
	"run.json); 2 bad usage; 3 the pass or the next sweeper failed (after\n"
	"4 failed passes in a row the chain stops: `scalable watch` takes over);\n"
	"5 no such run.\n";

struct sweep_args {
	const char *run;
	unsigned poll_interval_s;
};

static int parse_args(int argc, char **argv, struct sweep_args *args)
{
	static const struct option options[] = {
		{ "poll-interval", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		case 'p':
			if (!cli_poll_interval("sweep", optarg, &args->poll_interval_s))
				return SCALABLE_EXIT_USAGE;
			break;
		default:
			return cli_usage_error("sweep", "bad option");
		}
	}
	if (!run_ref_finish("sweep", &(struct run_ref){ 0 }, argc, argv, optind, false,
			    &args->run))
		return SCALABLE_EXIT_USAGE;
	return -1;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line of the sweeper's log, stamped. */
static void say(const char *fmt, ...)
{
	char now[RFC3339_BUFSZ];
	va_list ap;

	printf("%s sweep: ", rfc3339_now(now, sizeof now));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void note(void *ctx, const char *text)
{
	(void)ctx;
	say("%s", text);
}

/* What became of the next sweeper, said; the exit code. */
static int report_queue(int rc, enum sweeper_outcome outcome, uint32_t job_id,
			const struct error *err, bool pass_failed)
{
	if (rc != 0) {
		say("cannot queue the next sweeper: %s", err->text);
		return SCALABLE_EXIT_SYSTEM;
	}
	if (outcome == SWEEPER_SUPERSEDED)
		say("a newer sweeper is queued: this one stops here");
	else if (outcome == SWEEPER_GAVE_UP)
		say("%u passes failed in a row: no sweeper queued; follow the run with "
		    "`scalable watch`", SWEEPER_MAX_FAILED_PASSES + 1);
	else
		say("next sweeper: job %u", job_id);
	return pass_failed || outcome == SWEEPER_GAVE_UP ? SCALABLE_EXIT_SYSTEM
							 : SCALABLE_EXIT_OK;
}

/* Another orchestrator follows the run: only the next sweeper, later, so
 * the chain outlives it. */
static int locked_out(const struct sweep_args *args, const struct sweeper_self *self,
		      const char *program, const struct error *why)
{
	struct run_session_spec spec = { .run = args->run, .read_only = true };
	struct run_session *s;
	struct sweeper_job job;
	enum sweeper_outcome outcome;
	struct error err;
	uint32_t job_id;
	int rc;

	say("%s", why->text);
	if (run_session_attach(&spec, &s, &err) != 0)
		return cli_fail(&err);
	if (s->record.status != RUN_STATUS_RUNNING) {
		say("run %s is %s", s->run->id, run_status_name(s->record.status));
		run_session_free(s);
		return SCALABLE_EXIT_OK;
	}
	sweeper_next_job(s, self, program,
		      args->poll_interval_s ? args->poll_interval_s : run_session_poll_interval(s),
		      &job);
	rc = sweeper_queue_next(&job, NULL, self, false, &outcome, &job_id, &err);
	rc = report_queue(rc, outcome, job_id, &err, false);
	run_session_free(s);
	return rc;
}

/* Every task final: run.json closed as follow_command closes it. */
static int close_run(struct run_session *s)
{
	enum run_status status = run_final_status(s);
	struct tracker_counts n;
	struct error err;

	if (run_session_close(s, status, &err) != 0) {
		say("cannot close the run: %s", err.text);
		return SCALABLE_EXIT_SYSTEM;
	}
	tracker_counts(s->tracker, NULL, &n);
	say("run %s %s: %zu tasks, %zu succeeded, %zu failed, %zu cancelled", s->run->id,
	    run_status_name(status), n.tasks,
	    n.by_state[TASK_SUCCEEDED] + n.by_state[TASK_CACHED], n.by_state[TASK_FAILED],
	    n.by_state[TASK_CANCELLED]);
	return SCALABLE_EXIT_OK;
}

static int cancel_run(struct run_session *s)
{
	struct error err;
	char path[4096];

	say("`scalable cancel` asked: cancelling the run's jobs");
	if (run_session_cancel(s, &err) != 0) {
		say("cannot cancel: %s", err.text);
		return SCALABLE_EXIT_SYSTEM;
	}
	snprintf(path, sizeof path, "%s/%s", s->run->path, RUN_CANCEL_FILE);
	unlink(path);  /* the request is answered */
	return SCALABLE_EXIT_OK;
}

static int sweep(const struct sweep_args *args, struct run_session *s,
		 const struct sweeper_self *self, const char *program)
{
	unsigned poll = args->poll_interval_s ? args->poll_interval_s
					      : run_session_poll_interval(s);
	struct sweeper_job job;
	enum sweeper_outcome outcome;
	struct error err;
	uint32_t job_id;
	long retried;
	int rc;

	if (s->record.status != RUN_STATUS_RUNNING) {
		say("run %s is %s: nothing to do", s->run->id, run_status_name(s->record.status));
		return SCALABLE_EXIT_OK;
	}
	if (run_cancel_requested(s->run->path))
		return cancel_run(s);
	if ((retried = sweeper_pass(s, &err)) < 0)
		say("this pass failed: %s", err.text);
	else if (retried > 0)
		say("retrying %ld task%s", retried, retried == 1 ? "" : "s");
	if (retried >= 0 && run_follow_finished(s))
		return close_run(s);
	if (run_cancel_requested(s->run->path))
		return cancel_run(s);
	/* the pass is written: a sweeper that starts at once must not find it locked */
	run_lock_release(s->run->lock_fd);
	s->run->lock_fd = -1;
	sweeper_next_job(s, self, program, poll, &job);
	rc = sweeper_queue_next(&job, s->tracker, self, retried < 0, &outcome, &job_id, &err);
	return report_queue(rc, outcome, job_id, &err, retried < 0);
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_args args = { 0 };
	struct run_session_spec spec = { .command = "sweep", .note = note };
	struct sweeper_self self;
	struct run_session *s;
	char program[PATH_MAX];
	struct error err;
	int rc = parse_args(argc, argv, &args);

	if (rc >= 0)
		return rc;
	sweeper_self_read(&self);
	sweeper_clean_environment();
	if (sweeper_program(program, sizeof program, &err) != 0)
		return cli_fail(&err);
	spec.run = args.run;
	say("sweeper %u on %s", self.job_id, args.run);
	if (run_session_attach(&spec, &s, &err) != 0)
		return err.exit_code == SCALABLE_EXIT_LOCKED ? locked_out(&args, &self, program, &err)
							     : cli_fail(&err);
	rc = sweep(&args, s, &self, program);
	run_session_free(s);
	return rc;
}
