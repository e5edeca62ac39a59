/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable watch RUN|--latest [--json] [--poll-interval DUR]: re-attach to
 * a run and follow it to the end, as `scalable run` does. */
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "lib/util/exit_codes.h"
#include "cmd/run_options.h"
#include "cmd/follow_command.h"
#include "run/run_session.h"

static const char help[] =
	"usage: scalable watch RUN|--run-id RUN|--latest [--json] [--poll-interval DUR]\n"
	"\n"
	"Re-attaches to a run (after Ctrl-C, a logout, or a crashed orchestrator)\n"
	"and follows it to the end as `scalable run` does. RUN is a run id, a\n"
	"unique prefix of one, its 8-hex suffix, or its directory. The run is\n"
	"locked (one orchestrator per run). Submissions the journal left\n"
	"unanswered are looked for in Slurm by the chunk's key (job comment,\n"
	"then job name in sacct) before anything else: nothing is submitted\n"
	"twice. Tasks and failures already recorded are not written again.\n"
	"A local run cannot be followed once its orchestrator is gone: its open\n"
	"tasks are recorded failed.\n"
	"\n"
	"  --run-id RUN         the same as RUN\n"
	"  --latest             the most recent run\n"
	"  --poll-interval DUR  how often to ask Slurm (default: the target's, else 30s)\n"
	"  --json               print the outcome as JSON on stdout\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit codes: as `scalable run`; 4 another orchestrator holds the run;\n"
	"5 no such run, or the run is another user's.\n";

int cmd_watch(int argc, char **argv)
{
	struct run_options args = { 0 };
	struct run_session *s;
	int rc = run_options_parse("watch", help, RUN_OPTIONS_RUN, false, argc, argv, &args);

	if (rc >= 0 || (rc = run_options_attach("watch", &args, &s)) >= 0)
		return rc;
	if (s->record.status != RUN_STATUS_RUNNING) {
		if (args.follow.json)
			follow_print_json(s, "already_over");
		else
			printf("run %s is %s already; see scalable status %s\n", s->run->id,
			       run_status_name(s->record.status), s->run->id);
		/* as if it had followed the run to this end: a script may chain on it */
		rc = s->record.status == RUN_STATUS_COMPLETED ? SCALABLE_EXIT_OK
							      : SCALABLE_EXIT_FAILED;
	} else {
		progress_note(args.follow.progress, "re-attached; following the run");
		args.follow.poll_at_once = true;
		rc = follow_command(s, &args.follow);
	}
	run_session_free(s);
	progress_free(args.follow.progress);
	return rc;
}
