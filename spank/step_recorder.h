/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The life of one step as the plugin records it: begin (start event), each
 * task's exit (status and cgroup memory), end (end event), and where each
 * event goes (run directory as the user, admin spool, HTTP collector). */
#ifndef SCALABLE_STEP_RECORDER_H
#define SCALABLE_STEP_RECORDER_H

#include <stdbool.h>
#include <slurm/spank.h>

#include "cgroup_memory.h"
#include "plugin_config.h"
#include "step_facts.h"
#include "step_sampler.h"
#include "wait_status.h"

struct step_recorder {
	const struct plugin_config *config;
	struct step_facts facts;
	bool to_run_dir;
	bool to_spool;
	bool active;
	bool started;               /* start event written */
	/* filled by task exits */
	struct exit_outcome outcome;
	bool has_outcome;
	uint32_t ntasks_exited;
	struct cgroup_memory_sample memory;
	struct step_sampler sampler;  /* with sample=DURATION, from the start to the end */
};

/* Tests only: the cgroup directory (cgroup v2 files) the sampler reads
 * instead of the step's own; NULL in the plugin. */
extern const char *step_recorder_sample_cgroup_for_tests;

/* The longest the step's end waits for a sampler delivering a sample to
 * finish it (within the end event's event_budget_ms, which covers both). */
#define SAMPLER_STOP_GRACE_MS 1000

/* Decides whether this step is recorded (init_post_opt). */
void step_recorder_begin(struct step_recorder *r, const struct plugin_config *config,
			 spank_t sp, const char *option_run_dir);

/* Writes the start event once the first task is forked (task_post_fork):
 * only then does the job environment hold the restart count. With
 * sample=DURATION, then starts the step's memory sampler (not for the
 * extern step, whose one task sleeps). */
void step_recorder_task_started(struct step_recorder *r, spank_t sp);

/* Folds one task's exit status and the step cgroup's memory into the record. */
void step_recorder_task_exited(struct step_recorder *r, spank_t sp);

/* Stops the sampler, then writes the end event, both within event_budget_ms. */
void step_recorder_end(struct step_recorder *r);

/* The step's outcome from its tasks: the first signal wins, else the largest
 * exit code, as Slurm reports a step's exit code. */
void step_outcome_merge(struct exit_outcome *acc, bool *has, const struct exit_outcome *next);

/* A sink's bound: its own timeout own_ms, within what is left of the
 * event's budget (ending at deadline_ms, monotonic); 0 when nothing is left
 * and the sink is skipped. */
int sink_budget_ms(int64_t deadline_ms, int64_t now, int own_ms);

#endif
