/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spank_scalable.so: records a start and an end event for every step of a job
 * that asked for it (SCALABLE_RUN_DIR or --scalable-run), and optionally for
 * every job into an admin spool. Every hook returns success: the plugin never
 * fails a job. Only the remote context (slurmstepd) does anything; srun,
 * sbatch and salloc merely load the plugin and see its option. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <slurm/spank.h>

#include "cgroup_memory.h"
#include "child_process.h"
#include "plugin_config.h"
#include "plugin_log.h"
#include "plugin_version.h"
#include "rfc3339.h"
#include "step_event.h"
#include "step_facts.h"
#include "step_recorder.h"

/* How long slurm_spank_exit waits, at most, for sink children killed at
 * their deadline to be reaped (one stuck in the kernel is let go). */
#define CHILD_REAP_AT_EXIT_MS 500

SPANK_PLUGIN(scalable, 1);

static struct plugin_config config;
static bool config_ok;
static char option_run_dir[PATH_MAX];
static struct step_recorder recorder;

/* --scalable-run=DIR: stored here, validated in slurmstepd. */
static int take_run_option(int val, const char *arg, int remote)
{
	(void)val;
	(void)remote;
	snprintf(option_run_dir, sizeof(option_run_dir), "%s", arg ? arg : "");
	return ESPANK_SUCCESS;
}

static struct spank_option run_option = {
	"scalable-run", "DIR",
	"Record this job's steps (start, end, exit, memory) into the scalable run directory DIR",
	1, 0, take_run_option
};

/* The option must exist wherever it can be given (srun, sbatch, salloc) and
 * in slurmstepd, where its value arrives; spank_options[] would miss sbatch. */
static bool option_context(void)
{
	spank_context_t ctx = spank_context();
	return ctx == S_CTX_LOCAL || ctx == S_CTX_ALLOCATOR || ctx == S_CTX_REMOTE;
}

int slurm_spank_init(spank_t sp, int ac, char **av)
{
	if (option_context() && spank_option_register(sp, &run_option) != ESPANK_SUCCESS)
		plugin_log_routine("could not register --%s", run_option.name);
	if (!spank_remote(sp))
		return ESPANK_SUCCESS;
	char err[512];
	config_ok = plugin_config_parse(&config, ac, av, err, sizeof(err)) == 0;
	plugin_log_set_level(config.log_level);
	if (!config_ok)
		plugin_log_problem("disabled by a bad plugstack.conf line: %s", err);
	else
		plugin_log_routine("%s loaded", SPANK_SCALABLE_PRODUCER);
	return ESPANK_SUCCESS;
}

int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (spank_remote(sp) && config_ok)
		step_recorder_begin(&recorder, &config, sp, option_run_dir);
	return ESPANK_SUCCESS;
}

int slurm_spank_task_post_fork(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (spank_remote(sp) && config_ok)
		step_recorder_task_started(&recorder, sp);
	return ESPANK_SUCCESS;
}

int slurm_spank_task_exit(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (spank_remote(sp) && config_ok)
		step_recorder_task_exited(&recorder, sp);
	return ESPANK_SUCCESS;
}

int slurm_spank_exit(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (spank_remote(sp) && config_ok) {
		step_recorder_end(&recorder);
		/* leave slurmstepd no zombie of a sink killed at its deadline */
		(void)child_reap_pending(CHILD_REAP_AT_EXIT_MS);
	}
	return ESPANK_SUCCESS;
}
