/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pack block of a packed group's script (see plan.h, "Packing"): run
 * as the array task (SCALABLE_PACK_TASK unset), it reads its K lines of the
 * chunk's tasks file and hands them to `<pack_runner> pack-exec`, which
 * runs the same script once per scenario with SCALABLE_PACK_TASK=<index>
 * (so each scenario gets the single-scenario prelude: its environment, log
 * files and directory) and appends the scenario records
 * (scenario_record.h). Without that binary on the node, a bash loop runs
 * the scenarios in sequence and writes the records without peak memory,
 * and says so on stderr. A scenario that has an end record in an earlier
 * restart of the same pack (Slurm requeued it) is not run again.
 *
 * Tests: orchestrator/plan/test/test_wave_pack.c. */
#ifndef SCALABLE_WAVE_PACK_H
#define SCALABLE_WAVE_PACK_H

#include "plan/plan.h"
#include "lib/util/strbuf.h"

/* The scenario index in the single-scenario prelude, unpacked and packed. */
#define WAVE_ARRAY_TASK_ID "$(( ${SLURM_ARRAY_TASK_ID:?not an array task} + SCALABLE_INDEX_OFFSET ))"
#define WAVE_PACK_TASK_ID "\"${SCALABLE_PACK_TASK:?not a scenario of a pack}\""

/* Appends the single-scenario prelude to out with its scenario index taken
 * from SCALABLE_PACK_TASK instead of the array index (the prelude itself
 * stays as it is for every group); -1 when the prelude has no such line. */
int wave_pack_task_id(const struct strbuf *prelude, struct strbuf *out);

/* Appends the group's pack block (the group has pack > 1). */
int wave_pack_block(const struct plan *plan, const struct plan_group *group,
		    struct strbuf *out);

#endif
