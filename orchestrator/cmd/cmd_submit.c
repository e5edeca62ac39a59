/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable submit [FILE] [--target NAME] [--no-cache] [--poll-interval DUR] [--json]:
 * create a run as `scalable run` does, submit its first wave, queue its
 * first sweeper (sweeper_chain.h) and return: the run goes on on the
 * cluster, and the user may log out. */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "config/config_file.h"
#include "lib/util/exit_codes.h"
#include "cmd/follow_command.h"
#include "cmd/run_options.h"
#include "lib/util/interrupt.h"
#include "run/run_close.h"
#include "run/run_session.h"
#include "run/run_submit.h"
#include "sweeper/sweeper_pass.h"

static const char help[] =
	"usage: scalable submit [FILE] [--target NAME] [--no-cache] [--json]\n"
	"                       [--poll-interval DUR]\n"
	"\n"
	"Submits the sweep FILE describes (default: ./scalable.yaml) and returns:\n"
	"the run is created as `scalable run` creates it, its first wave is\n"
	"submitted, and one small sweeper job is queued after it\n"
	"(sbatch --dependency=afterany:<the wave's jobs>, 1 cpu, " SWEEPER_MEMORY ", "
	SWEEPER_TIME ",\n"
	"--comment=scalable:<run_id>:sweeper, output in <run_dir>/logs/sweeper-<job>.out).\n"
	"Each sweeper runs `scalable sweep RUN_DIR` once: it reads the events, asks\n"
	"Slurm once, classifies, submits the retries due (backoff as --begin),\n"
	"then queues the next sweeper after the jobs still queued, or closes\n"
	"run.json when every task is final. Nobody has to stay logged in.\n"
	"\n"
	"The sweepers run this very program (its absolute path) on the run\n"
	"directory: both must be visible from the compute nodes, as for any\n"
	"shared-filesystem workflow. Only Slurm targets: a local run has nobody\n"
	"to follow it (use `scalable run`).\n"
	"\n"
	"  --target NAME        submit to this target (default: default_target,\n"
	"                       else the first target)\n"
	"  --no-cache           run every scenario, even those an earlier run\n"
	"                       computed under the same cache key\n"
	"  --poll-interval DUR  the delay of a sweeper queued when no job is left\n"
	"                       to wait for (e.g. accounting lags; default: the\n"
	"                       target's poll_interval, else 30s)\n"
	"  --json               print run_id, run_dir and sweeper_job_id as JSON\n"
	"  -h, --help           show this help\n"
	"\n"
	"Follow the run with `scalable status RUN_ID`, or `scalable watch RUN_ID`\n"
	"(the sweepers step aside while a watcher holds the run).\n"
	"\n"
	"Exit codes: 0 submitted and the sweeper queued; 2 bad usage, invalid\n"
	"config or a local target (nothing written); 3 system, Slurm or I/O\n"
	"error (a chunk or the sweeper refused: see the message).\n";


static void print_outcome(const struct run_options *args, const struct run_session *s,
			  uint32_t sweeper)
{
	json_t *out;

	if (!args->follow.json) {
		printf("run %s submitted; sweeper job %u follows it on the cluster\n", s->run->id,
		       sweeper);
		printf("run directory: %s\n", s->run->path);
		printf("follow it with: scalable status %s   (or: scalable watch %s)\n",
		       s->run->id, s->run->id);
		return;
	}
	out = json_pack("{s:s, s:s, s:s, s:I}", "run_id", s->run->id, "run_dir", s->run->path,
			"status", "submitted", "sweeper_job_id", (json_int_t)sweeper);
	if (out)
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts("");
	json_decref(out);
}

/* Nothing was queued: the run ends here, failed. */
static int close_empty(struct run_session *s)
{
	struct error err;

	if (run_session_close(s, RUN_STATUS_FAILED, &err) != 0)
		return cli_fail(&err);
	fprintf(stderr, "scalable: no chunk of %s was submitted: the run is closed failed\n",
		s->run->id);
	return SCALABLE_EXIT_SYSTEM;
}

/* The first sweeper, after every job of the first wave. */
static int queue_sweeper(const struct run_options *args, struct run_session *s,
			 bool refused)
{
	struct sweeper_self self = { 0 };  /* not a sweeper itself */
	char program[PATH_MAX];
	struct sweeper_job job;
	enum sweeper_outcome outcome;
	struct error err;
	uint32_t sweeper;
	unsigned poll = args->follow.poll_interval_s ? args->follow.poll_interval_s
						      : run_session_poll_interval(s);

	if (sweeper_program(program, sizeof program, &err) != 0)
		return cli_fail(&err);
	sweeper_next_job(s, &self, program, poll, &job);
	if (sweeper_queue_next(&job, s->tracker, &self, false, &outcome, &sweeper, &err) != 0) {
		cli_fail(&err);
		fprintf(stderr, "scalable: the jobs of %s are queued without a sweeper: follow "
			"them with `scalable watch %s`\n", s->run->id, s->run->id);
		return SCALABLE_EXIT_SYSTEM;
	}
	print_outcome(args, s, sweeper);
	return refused ? SCALABLE_EXIT_SYSTEM : SCALABLE_EXIT_OK;
}

static int submit(struct run_options *args, struct config *config)
{
	const struct target *target = config_target(config, args->target);
	struct run_session *s;
	struct plan *plan;
	struct progress *notes;
	struct error err;
	uint32_t *ids = NULL;
	char *root = NULL;
	bool refused;
	int rc;

	if (!target || target->provider != PROVIDER_SLURM) {
		rc = target ? cli_usage_error("submit", "target '%s' runs tasks on this machine: a "
					      "detached run needs a Slurm target (or use `scalable "
					      "run`)", target->name)
			    : cli_usage_error("submit", "no target named '%s' in %s", args->target,
					      args->path);
		config_free(config);
		return rc;
	}
	if (!(notes = follow_progress_new(args->follow.json))) {
		config_free(config);
		return SCALABLE_EXIT_SYSTEM;
	}
	sweeper_clean_environment();
	struct run_create_options create = {
		.no_cache = args->no_cache, .note = progress_note_cb, .note_ctx = notes,
	};

	if (!(create.runs_root = root = cli_runs_root(NULL, &err)) ||
	    run_session_create_with(config, target, &create, &s, &plan, &err) != 0) {
		if (!root)
			config_free(config);
		free(root);
		progress_free(notes);
		return cli_fail(&err);
	}
	free(root);
	interrupt_install();  /* Ctrl-C waits: the sweeper is queued all the same */
	refused = run_submit_first_wave(s, plan, progress_note_cb, notes) != 0;
	progress_finish(notes);
	if (tracker_jobs_to_poll(s->tracker, &ids) == 0)
		rc = close_empty(s);
	else
		rc = queue_sweeper(args, s, refused);
	free(ids);
	plan_free(plan);
	run_session_free(s);  /* releases the run's lock: the sweepers take it */
	progress_free(notes);
	return rc;
}

int cmd_submit(int argc, char **argv)
{
	struct run_options args = { 0 };
	struct config *config;
	struct error err;
	int rc = run_options_parse("submit", help, RUN_OPTIONS_CONFIG, true, argc, argv, &args);

	if (rc >= 0)
		return rc;
	if (config_load_defaulted(args.path, &config, &err) != 0)
		return cli_fail(&err);
	return submit(&args, config);
}
