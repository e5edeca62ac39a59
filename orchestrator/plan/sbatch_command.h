/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sbatch command line of a job described by its options: what every
 * sbatch this program runs is built by (a wave's array chunks, a detached
 * run's sweepers), so that each option is spelled one way and they come in
 * one order:
 *
 *   sbatch --parsable --job-name= --comment= [--array=] --output=
 *   --export=ALL [--ntasks=] [--cpus-per-task=] [--mem=] [--time=]
 *   [--partition=] [--account=] [--qos=] --requeue|--no-requeue
 *   [--dependency=afterany:ID:ID...|aftercorr:ID:ID... --kill-on-invalid-dep=no]
 *   [--begin=now+N] [--exclude=] [extra...] SCRIPT | --wrap=TEXT
 *
 * It lives with the plan (below slurm/), since a chunk's command line is
 * part of the plan (plan.json). */
#ifndef SCALABLE_SBATCH_COMMAND_H
#define SCALABLE_SBATCH_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A job to submit. Strings left NULL and numbers left 0 are not passed. */
struct sbatch_command {
	const char *job_name, *comment;  /* job_naming.h's */
	const char *array;               /* the --array value */
	const char *output;              /* the --output pattern */
	unsigned ntasks, cpus_per_task;
	const char *mem, *time;          /* as sbatch reads them: "512M", "00:15:00" */
	const char *partition, *account, *qos;
	bool requeue;                    /* --requeue, else --no-requeue */
	const uint32_t *after;           /* --dependency=afterany on these jobs */
	size_t n_after;
	/* stages: --dependency=aftercorr on these arrays (index i of this array
	 * waits for index i of each to complete successfully) */
	const uint32_t *after_corr;
	size_t n_after_corr;
	bool delayed;                    /* --begin=now+begin_delay_s (even 0) */
	uint64_t begin_delay_s;
	const char *exclude;             /* nodes to stay off */
	char *const *extra;              /* more options, as given, before the script */
	size_t n_extra;
	const char *script;              /* the batch script ... */
	const char *wrap;                /* ... or, with none, --wrap's command */
};

/* The command line, NULL-terminated and malloc'd (free it with
 * string_vec_free); NULL when out of memory. */
char **sbatch_command_argv(const struct sbatch_command *cmd);

#endif
