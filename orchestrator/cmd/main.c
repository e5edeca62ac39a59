/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable: a thin dispatcher to one function per subcommand. */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "diagnose/diagnose.h"
#include "lib/util/crash_point.h"
#include "lib/util/exit_codes.h"
#include "lib/util/test_seam.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "write an example scalable.yaml and template here" },
	{ "validate", cmd_validate, "check a config file and summarise it" },
	{ "plan", cmd_plan, "show the job arrays a run would submit" },
	{ "run", cmd_run, "submit a sweep and follow it to the end" },
	{ "submit", cmd_submit, "submit a sweep and return; a sweeper job follows it" },
	{ "watch", cmd_watch, "re-attach to a run and follow it" },
	{ "resume", cmd_resume, "submit again what did not succeed in a run" },
	{ "status", cmd_status, "how a run stands: counts, failures" },
	{ "cancel", cmd_cancel, "cancel every job of a run" },
	{ "runs", cmd_runs, "list the runs" },
	{ "diagnose", cmd_diagnose, "what failed in a run, why, and what to change" },
	{ "report", cmd_report, "a run's report as HTML, Markdown or JSON" },
	{ "export", cmd_export, "a run's tasks, attempts and failures as Parquet, CSV or TSV" },
	{ "sweep", cmd_sweep, "(run by the sweeper job) one pass over a detached run" },
	{ "pack-exec", cmd_pack_exec, "(run by a packed array task) run its scenarios" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: scalable COMMAND [ARGS...]\n"
		     "       scalable COMMAND --help\n"
		     "       scalable --help | -V | --version\n\n"
		     "Parameter sweeps as Slurm job arrays that survive their failures.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nexit codes:\n"
		     "  0  success\n"
		     "  1  the run finished with failed tasks\n"
		     "  2  bad usage or invalid config (nothing was written)\n"
		     "  3  system, Slurm or I/O error\n"
		     "  4  the run is locked by another orchestrator\n"
		     "  5  no such run\n"
		     "  130  run/watch interrupted by Ctrl-C (128 + the signal)\n");
}

/* The test seams' variables, read into the program and out of the
 * environment before anything is spawned: no job or task inherits them. */
static void take_test_seams(void)
{
	crash_point_arm_from_env();
	diagnose_chunk_arm_from_env();
}

int main(int argc, char **argv)
{
	take_test_seams();
	if (argc < 2) {
		usage(stderr);
		return SCALABLE_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return SCALABLE_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("scalable %s%s\n", SCALABLE_VERSION, TEST_SEAMS_NOTE);
		return SCALABLE_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "scalable: unknown command '%s' (see scalable --help)\n", argv[1]);
	return SCALABLE_EXIT_USAGE;
}
