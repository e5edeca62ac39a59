/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the journal's writer and its replay: one function applies a
 * record to the state, whether it was just written or read back. */
#ifndef SCALABLE_JOURNAL_IMPL_H
#define SCALABLE_JOURNAL_IMPL_H

#include <jansson.h>

#include "rundir/journal.h"

/* Applies one record; returns 0, or -1 when it is malformed (skipped) or
 * memory ran out (errno ENOMEM). */
int journal_apply(struct journal_replay *replay, json_t *record);

#endif
