/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable resume RUN|--latest [--no-cache] [--json] [--poll-interval DUR]:
 * submit again, in the same run, what did not succeed, and follow the run
 * to its end (run_resume.h). */
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "lib/util/exit_codes.h"
#include "cmd/run_options.h"
#include "cmd/follow_command.h"
#include "lib/util/interrupt.h"
#include "run/run_resume.h"
#include "run/run_session.h"

static const char help[] =
	"usage: scalable resume RUN|--run-id RUN|--latest [--no-cache] [--json] [--poll-interval DUR]\n"
	"\n"
	"Submits again what did not succeed in a run: every task whose last\n"
	"attempt failed for good or was cancelled, and every scenario that was\n"
	"never submitted (e.g. a chunk sbatch refused). It stays the same run: one\n"
	"more wave (w002, w003, ...) with new attempt numbers, run.json back to\n"
	"`running` with the time in resumed_at, then followed to its end as\n"
	"`scalable run` does and closed again with a new summary. What succeeded\n"
	"is not touched, unless its component declares outputs: and they vanished\n"
	"since (then it runs again). A resubmitted task keeps the resources its last retry\n"
	"decision chose (e.g. more memory after an OOM), else the component's,\n"
	"raised to what its last attempt asked for. The run's own config is used\n"
	"(manifest.yaml in the run directory, read from where the config file\n"
	"was): edits to scalable.yaml since do not apply; changed template or\n"
	"scenario files refuse the resume (exit 2). A run whose orchestrator died\n"
	"is re-attached first, as `scalable watch` does.\n"
	"\n"
	"  --run-id RUN         the same as RUN\n"
	"  --latest             the most recent run\n"
	"  --no-cache           submit scenarios of `cache: true` components even\n"
	"                       when an earlier run stored their result\n"
	"  --poll-interval DUR  how often to ask Slurm (default: the target's, else 30s)\n"
	"  --json               print the outcome as JSON on stdout\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit codes: as `scalable run` (0 when there is nothing left to resume);\n"
	"2 the run's config no longer loads as it did; 4 another orchestrator\n"
	"holds the run; 5 no such run, or the run is another user's.\n";


/* Nothing failed, nothing is missing: said, and left as it is. */
static int nothing_to_do(const struct run_options *args, const struct run_session *s)
{
	if (!args->follow.json) {
		printf("nothing to resume: every task of run %s succeeded or was cached (%s)\n",
		       s->run->id, run_status_name(s->record.status));
		return SCALABLE_EXIT_OK;
	}
	follow_print_json(s, "nothing_to_resume");
	return SCALABLE_EXIT_OK;
}

/* One line: what the resume wave holds. */
static void say_resumed(const struct run_options *args, const struct run_session *s,
			const struct run_resume_outcome *o)
{
	char text[512];

	snprintf(text, sizeof text,
		 "resuming run %s: %zu task%s in wave %s (%zu never submitted before), "
		 "%zu cached, %zu still queued, running or awaiting a retry",
		 s->run->id, o->resubmitted, o->resubmitted == 1 ? "" : "s",
		 o->wave[0] ? o->wave : "-", o->never_submitted, o->cached, o->in_flight);
	progress_note(args->follow.progress, text);
	if (o->outputs_gone) {
		snprintf(text, sizeof text, "%zu task%s that succeeded lost %s outputs: run again",
			 o->outputs_gone, o->outputs_gone == 1 ? "" : "s",
			 o->outputs_gone == 1 ? "its" : "their");
		progress_note(args->follow.progress, text);
	}
}

static int resume(struct run_options *args, struct run_session *s)
{
	struct run_resume_outcome o;
	struct error err;
	char text[1200];

	if (!s->config) {
		error_usage(&err, "cannot resume %s: its recorded config (%s/manifest.yaml, read "
			    "as %s) no longer loads as it did: %s", s->run->id, s->run->path,
			    s->record.source_manifest_path ? s->record.source_manifest_path : "?",
			    s->config_problem ? s->config_problem : "unknown");
		return cli_fail(&err);
	}
	interrupt_install();  /* Ctrl-C now waits for the chunk being submitted */
	if (run_session_resume(s, !args->no_cache, &o, &err) != 0) {
		if (!s->submit_failures)
			return cli_fail(&err);
		snprintf(text, sizeof text, "scalable: %s", err.text);
		progress_note(args->follow.progress, text);  /* what is in is followed */
	}
	if (o.resubmitted + o.cached + o.staged == 0 && s->record.status != RUN_STATUS_RUNNING)
		return nothing_to_do(args, s);
	if (o.resubmitted + o.cached == 0)
		progress_note(args->follow.progress,
			      "nothing to resubmit; re-attached, following the run");
	else
		say_resumed(args, s, &o);
	args->follow.poll_at_once = true;
	return follow_command(s, &args->follow);
}

int cmd_resume(int argc, char **argv)
{
	struct run_options args = { 0 };
	struct run_session *s;
	int rc = run_options_parse("resume", help, RUN_OPTIONS_RUN, true, argc, argv, &args);

	if (rc >= 0 || (rc = run_options_attach("resume", &args, &s)) >= 0)
		return rc;
	rc = resume(&args, s);
	run_session_free(s);
	progress_free(args.follow.progress);
	return rc;
}
