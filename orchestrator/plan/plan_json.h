/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.json: the expanded plan (scenarios, components, groups, array
 * chunks with their sbatch lines), for the run directory and `plan --json`.
 *
 * Tests: orchestrator/plan/test/test_plan.c. */
#ifndef SCALABLE_PLAN_JSON_H
#define SCALABLE_PLAN_JSON_H

#include <jansson.h>

#include "lib/util/error.h"
#include "plan/plan.h"

json_t *plan_to_json(const struct plan *plan);
/* The config's stages: [{"stage", "components": [{"component", "after",
 * "fan_in", "when"}]}] (plan.json's "stages", when there is more than one). */
json_t *plan_stages_json(const struct config *config);
/* Writes plan.json at path (through a temporary file and rename). */
int plan_write_json(const struct plan *plan, const char *path, struct error *err);

#endif
