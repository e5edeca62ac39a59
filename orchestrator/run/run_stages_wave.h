/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One stage step's submissions (run_stages.c): the tasks grouped by
 * component and by the upstream arrays they wait for (Slurm's aftercorr:
 * one group, so one sbatch per chunk, per distinct set), the queued tasks
 * to cancel (one scancel), and a fan-in's succeeded list.
 *
 * Tests: orchestrator/run/test/test_run_stages.c, tests/cli/stages.sh. */
#ifndef SCALABLE_RUN_STAGES_WAVE_H
#define SCALABLE_RUN_STAGES_WAVE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/util/error.h"
#include "run/run_session.h"

struct stages_group {
	const struct component *component;
	uint32_t *deps;          /* upstream arrays (aftercorr); NULL: none */
	size_t n_deps;
	struct plan_task *tasks;
	size_t n_tasks, cap_tasks;
};

struct stages_wave {
	struct stages_group *groups;
	size_t n_groups;
	struct backend_array_task *cancel;  /* queued tasks whose upstream failed */
	size_t n_cancel;
};

/* Adds task to the group of (c, deps); 0, or -1 when out of memory. */
int stages_wave_add(struct stages_wave *w, const struct component *c, const uint32_t *deps,
		    size_t n_deps, struct plan_task task);
/* Adds a's array task to those to cancel; 0 or -1. */
int stages_wave_cancel(struct stages_wave *w, const struct task_attempt *a);
/* Submits the groups as one wave (nothing when there are none). */
int stages_wave_submit(struct run_session *s, struct stages_wave *w, struct error *err);
void stages_wave_free(struct stages_wave *w);

/* <run_dir>/stages/<fan-in>.succeeded.jsonl, written whole: one line per
 * succeeded (or cached) scenario of each of f's upstream components. */
int stages_write_succeeded(const struct run_session *s, const struct component *f,
			   struct error *err);

#endif
