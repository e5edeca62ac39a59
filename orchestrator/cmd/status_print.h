/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `scalable status` and `scalable runs` for humans: the views of status_view.h
 * as aligned text.
 *
 * Tests: tests/cli/cli.sh, tests/integration/orchestrator.bats (status and
 * runs as text), tests/integration/live.bats (the memory line). */
#ifndef SCALABLE_STATUS_PRINT_H
#define SCALABLE_STATUS_PRINT_H

#include <jansson.h>
#include <stdio.h>

/* One run: status, orchestrator, counts per state and component, failures. */
void status_print(FILE *out, const json_t *view);
/* The runs list: one line per run (views without components needed). */
void runs_print(FILE *out, const json_t *views);

#endif
