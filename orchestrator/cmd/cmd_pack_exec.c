/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable pack-exec: what a packed array task's script runs (see
 * plan/pack_runner.h and plan/wave_pack.h); seldom typed by hand. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "lib/util/exit_codes.h"
#include "plan/pack_runner.h"
#include "step_event.h"

static const char help[] =
	"usage: scalable pack-exec [--parallel N] --run-dir DIR --run-id ID\n"
	"                          --component NAME --script SCRIPT -- INDEX:ATTEMPT...\n"
	"\n"
	"Runs the scenarios of one packed array task (a component with pack: K):\n"
	"each as `bash SCRIPT` with SCALABLE_PACK_TASK=INDEX, up to N at once\n"
	"(default 1), appending a start and an end record per scenario (exit code,\n"
	"elapsed time, peak memory) to DIR/events/pack.<array job>_<array task>.\n"
	"<restart>.jsonl (in events/<array job>/<array task / 1000>/ when\n"
	"SCALABLE_EVENTS_LAYOUT=2). Slurm's ids come from the environment (SLURM_JOB_ID,\n"
	"SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, SLURM_RESTART_COUNT,\n"
	"SLURMD_NODENAME). A scenario that ended in an earlier restart of the same\n"
	"pack is not run again. The rendered wave scripts call it; see\n"
	"scalable.yaml(5), pack.\n"
	"\n"
	"Exit codes: 0 every scenario ended 0; else the first failed scenario's\n"
	"exit status; 2 bad usage; 3 the records could not be written.\n";

static int64_t env_number(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long long n = v && *v ? strtoll(v, &end, 10) : -1;

	return v && *v && !*end && n >= 0 ? n : -1;
}

static int usage_error(const char *what)
{
	fprintf(stderr, "scalable pack-exec: %s (see scalable pack-exec --help)\n", what);
	return SCALABLE_EXIT_USAGE;
}

/* The options into o; returns the index of the first scenario, or -1. */
static int parse_options(int argc, char **argv, struct pack_runner_options *o)
{
	static const struct option options[] = {
		{ "parallel", required_argument, NULL, 'p' },
		{ "run-dir", required_argument, NULL, 'd' },
		{ "run-id", required_argument, NULL, 'r' },
		{ "component", required_argument, NULL, 'c' },
		{ "script", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'p': o->parallel = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': o->run_dir = optarg; break;
		case 'r': o->run_id = optarg; break;
		case 'c': o->component = optarg; break;
		case 's': o->script = optarg; break;
		case 'h': fputs(help, stdout); exit(SCALABLE_EXIT_OK);
		default: return -1;
		}
	}
	return o->parallel && o->run_dir && o->run_id && o->component && o->script ? optind
										   : -1;
}

int cmd_pack_exec(int argc, char **argv)
{
	struct pack_runner_options o = { .parallel = 1 };
	int first = parse_options(argc, argv, &o), rc;
	struct pack_scenario *scenarios;
	char host[256] = "";
	struct error err;

	if (first < 0)
		return usage_error("needs --run-dir, --run-id, --component, --script and a "
				   "--parallel of at least 1");
	if (!(scenarios = calloc((size_t)(argc - first) + 1, sizeof *scenarios)))
		return SCALABLE_EXIT_SYSTEM;
	for (int i = first; i < argc; i++)
		if (pack_scenario_parse(argv[i], &scenarios[o.n++]) != 0) {
			free(scenarios);
			return usage_error("a scenario is INDEX:ATTEMPT");
		}
	gethostname(host, sizeof host - 1);
	o.scenarios = scenarios;
	o.job_id = env_number("SLURM_JOB_ID");
	o.array_job_id = env_number("SLURM_ARRAY_JOB_ID");
	o.array_task_id = env_number("SLURM_ARRAY_TASK_ID");
	o.restart_count = env_number("SLURM_RESTART_COUNT") > 0
		? (unsigned)env_number("SLURM_RESTART_COUNT") : 0;
	o.node = getenv("SLURMD_NODENAME") ? getenv("SLURMD_NODENAME") : host;
	o.fanned = env_number(STEP_EVENT_LAYOUT_ENV) == STEP_EVENT_LAYOUT_FANNED;
	rc = pack_run(&o, &err);
	if (rc < 0)
		fprintf(stderr, "scalable pack-exec: %s\n", err.text);
	free(scenarios);
	return rc < 0 ? SCALABLE_EXIT_SYSTEM : rc;
}
