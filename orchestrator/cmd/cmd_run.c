/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable run [FILE] [--target NAME] [--no-cache] [--json] [--poll-interval DUR]:
 * create a run, submit its first wave, and follow it to the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static const char help[] =
	"usage: scalable run [FILE] [--target NAME] [--no-cache] [--json]\n"
	"                    [--poll-interval DUR]\n"
	"\n"
	"Runs the sweep FILE describes (default: ./scalable.yaml): creates a run\n"
	"directory under $SCALABLE_RUNS_DIR (else the defaults' runs_dir, else\n"
	"./.scalable/runs), writes the scripts, submits one job array per chunk\n"
	"(one sbatch each; the local target runs them here), and follows every\n"
	"task to its end: the step events first, Slurm at most once per poll\n"
	"interval (one squeue for the whole run, one sacct for what left the\n"
	"queue). run.json, tasks.jsonl and failures.jsonl record everything.\n"
	"\n"
	"  --target NAME        run on this target (default: default_target, else\n"
	"                       the first target)\n"
	"  --no-cache           run every scenario, even those of `cache: true`\n"
	"                       components that an earlier run computed (their\n"
	"                       results are still stored for later runs)\n"
	"  --poll-interval DUR  how often to ask Slurm (e.g. 10s; default: the\n"
	"                       target's poll_interval, else 30s)\n"
	"  --json               print the outcome as JSON on stdout (progress goes\n"
	"                       to stderr)\n"
	"  -h, --help           show this help\n"
	"\n"
	"On a terminal a progress line shows counts per state and an ETA (colour\n"
	"unless NO_COLOR is set); otherwise one line per change. Ctrl-C on a Slurm\n"
	"target detaches: the jobs keep running and `scalable watch RUN_ID`\n"
	"re-attaches. On the local target the tasks are children of scalable, so\n"
	"Ctrl-C cancels them and closes the run `cancelled`.\n"
	"\n"
	"A component with `cache: true` is looked up first: a scenario whose\n"
	"content key (template, command, setup, env, cpus, parameters, declared\n"
	"input files) an earlier run under the same runs directory stored is not\n"
	"submitted; its task is `cached` (cache.jsonl says which run computed it).\n"
	"When every scenario is cached the run completes without submitting.\n"
	"\n"
	"Exit codes: 0 every task succeeded; 1 some task failed or the run was\n"
	"cancelled; 2 bad usage or invalid config (nothing written); 3 system,\n"
	"Slurm or I/O error (e.g. sbatch refused a chunk); 130 Ctrl-C (128 + the\n"
	"signal for SIGTERM, SIGHUP).\n";


static int run(struct run_options *args, struct config *config)
{
	const struct target *target;
	struct run_create_options o = { .no_cache = args->no_cache, .note = progress_note_cb };
	char *root = NULL;
	struct run_session *s;
	struct plan *plan;
	struct error err;
	int rc;

	run_resolve_max_queued(config, args->target);
	target = config_target(config, args->target);
	if (!target) {
		rc = cli_usage_error("run", "no target named '%s' in %s", args->target, args->path);
		config_free(config);
		return rc;
	}
	args->follow.progress = follow_progress_new(args->follow.json);
	if (!args->follow.progress) {
		config_free(config);
		return SCALABLE_EXIT_SYSTEM;
	}
	o.note_ctx = args->follow.progress;
	if (!(o.runs_root = root = cli_runs_root(NULL, &err)) ||
	    run_session_create_with(config, target, &o, &s, &plan, &err) != 0) {
		if (!root)
			config_free(config);
		free(root);
		progress_free(args->follow.progress);
		return cli_fail(&err);
	}
	free(root);
	interrupt_install();  /* Ctrl-C now waits for the chunk being submitted */
	run_submit_first_wave(s, plan, progress_note_cb, args->follow.progress);
	rc = follow_command(s, &args->follow);
	plan_free(plan);
	run_session_free(s);
	progress_free(args->follow.progress);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_options args = { 0 };
	struct config *config;
	struct error err;
	int rc = run_options_parse("run", help, RUN_OPTIONS_CONFIG, true, argc, argv, &args);

	if (rc >= 0)
		return rc;
	if (config_load_defaulted(args.path, &config, &err) != 0)
		return cli_fail(&err);
	return run(&args, config);
}
