/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stages (scalable.yaml(5) "after"): the later stages' tasks, decided
 * after each poll from what the tracker knows, so that a re-attached or
 * resumed run decides the same.
 *
 *  - Scenario i of a component with after: [A, B] is submitted (one wave
 *    for all such tasks of a step, grouped per component) once the latest
 *    attempts of A-i and B-i succeeded or were cached; it is `skipped`
 *    (tracker_add_skipped, naming the upstream) once one of them failed for
 *    good (no resubmission decided), was cancelled or was skipped itself.
 *    A skipped task is submitted when its upstreams have succeeded since
 *    (after `scalable resume`), as its next attempt.
 *  - A fan-in (after: all) is one task, index 0: once every scenario of
 *    every per-scenario component is final, its when decides: the
 *    succeeded list is written to <run_dir>/stages/<component>.succeeded.jsonl
 *    and the task submitted, or it is skipped. It runs again when an
 *    upstream ran in a later wave than its own last attempt, or, after
 *    `scalable resume` (run_stages_rerun_fan_ins), when it had failed.
 *
 * Tests: tests/cli/stages.sh, orchestrator/run/test/test_run_stages.c. */
#ifndef SCALABLE_RUN_STAGES_H
#define SCALABLE_RUN_STAGES_H

#include <stdbool.h>

#include "lib/util/error.h"
#include "run/run_session.h"

/* Submits and skips what the stages allow now: the number of tasks
 * submitted or skipped, -1 with err. hold: let the scheduler hold a task
 * on its upstream's array (Slurm's aftercorr) instead of waiting for the
 * upstream's success; a detached run's sweeper does not (its afterany on
 * every open array would wait for ever on a task held in vain). */
long run_stages_step(struct run_session *s, bool hold, struct error *err);
/* True when a step would do something now (the run may not close yet). */
bool run_stages_pending(const struct run_session *s);
/* What `scalable resume` leaves to the stages: a later stage's task that
 * never ran or was skipped, and every fan-in (they wait for the upstream
 * tasks the resume submits). */
bool run_stages_owns(const struct config *config, const struct task_attempt *latest,
		     const struct component *component);

#endif
