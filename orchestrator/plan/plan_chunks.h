/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside planning: cuts a group's sorted tasks into array chunks (aligned
 * blocks of MaxArraySize) and fills each chunk's --array, argv and env. */
#ifndef SCALABLE_PLAN_CHUNKS_H
#define SCALABLE_PLAN_CHUNKS_H

#include "plan/plan.h"

int plan_group_chunk(const struct plan *plan, struct plan_group *group, struct error *err);

#endif
