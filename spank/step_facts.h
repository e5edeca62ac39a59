/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the plugin learns about its step in slurmstepd: ids from Slurm,
 * scalable's variables from the job environment, the job user's identity.
 *
 * Tests: spank/test/test_step_recorder.c (through the recorder, with a faked
 * SPANK API). */
#ifndef SCALABLE_STEP_FACTS_H
#define SCALABLE_STEP_FACTS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <slurm/spank.h>

#include "child_process.h"
#include "step_event.h"

#define STEP_FACTS_MAX_GROUPS 256

struct step_facts {
	struct step_identity id;    /* points into node and run_id below */
	struct job_identity who;
	gid_t groups[STEP_FACTS_MAX_GROUPS];
	char node[256];
	char run_dir[PATH_MAX];     /* "" when the job did not ask for recording */
	bool run_dir_rejected;      /* set but implausible */
	char run_id[128];           /* "" when unknown */
	int events_layout;          /* STEP_EVENT_LAYOUT_*: FANNED only when the job asks */
	struct timespec started;    /* CLOCK_MONOTONIC at start */
};

/* Collects the facts in a remote context. option_run_dir (from
 * --scalable-run, may be "") wins over SCALABLE_RUN_DIR. Returns 0, or -1 if
 * Slurm would not say who the job belongs to. */
int step_facts_collect(spank_t sp, const char *option_run_dir, struct step_facts *f);

/* Re-reads the restart count: slurmstepd puts SLURM_RESTART_COUNT into the
 * job environment only when it prepares the tasks, after init_post_opt. */
void step_facts_refresh_restart_count(spank_t sp, struct step_facts *f);

/* Parses a non-negative decimal integer that fits int64; -1 when it does not. */
int64_t parse_nonnegative(const char *text);

#endif
