/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A run's checks of its components' `outputs:` (rundir/task_outputs.h):
 * the tracker asks, through run_outputs_check, before it records an
 * attempt that exited 0 as `succeeded`; resume asks whether a scenario
 * that succeeded still has its outputs.
 *
 * Tests: tests/cli/outputs.sh (run and resume on the local target),
 * tests/integration/outputs.bats (on Slurm). */
#ifndef SCALABLE_RUN_OUTPUTS_H
#define SCALABLE_RUN_OUTPUTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/util/error.h"
#include "run/run_session.h"

/* The component of s->config called name, or NULL. */
const struct component *run_component(const struct run_session *s, const char *name);
/* The tracker's outputs hook (ctx: the session). Nothing is missing where
 * the run has no config or the component declares no outputs. */
int run_outputs_check(const struct task_attempt *ended, void *ctx, json_t **missing,
		      struct error *err);
/* Whether a's outputs (a succeeded or cached attempt of component c) are
 * all there now; true when c declares none, and for a cached attempt when
 * a pattern names {{ run_dir }} (its files are in the source run's
 * directory; the cache checks them at its next lookup). -1 with err. */
int run_outputs_present(const struct run_session *s, const struct component *c,
			const struct task_attempt *a, bool *present, struct error *err);

#endif
