/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running one Slurm command for slurm_commands.c and its siblings: errors
 * phrased once, id lists, and the environment the read commands need. */
#ifndef SCALABLE_SLURM_INVOKE_H
#define SCALABLE_SLURM_INVOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/subprocess/command_runner.h"
#include "lib/util/error.h"

/* For squeue, sacct and scontrol: times as Unix seconds, array index
 * expressions never cut short. */
extern const char *const slurm_read_env[];

/* Runs argv (argv[0] from PATH) with env added, within timeout_s (0: the
 * default). Returns 0 when it exited 0; else -1 with err saying
 * "squeue failed (exited with status 1): <its error line>". result keeps the
 * output either way (free it), so a caller can look closer at stderr. */
int slurm_invoke(const char *const *argv, const char *const *env, unsigned timeout_s,
	      struct command_result *result, struct error *err);

/* prefix followed by the ids joined with commas ("--jobs=12,13"); NULL when
 * out of memory. */
char *slurm_id_list(const char *prefix, const uint32_t *ids, size_t n);

/* The line of text that best says what went wrong: the first holding
 * "error", else the first that is not empty; "" when there is none. */
void slurm_error_line(const char *text, char *buf, size_t len);

/* True when the line starting at line (up to its newline) holds word, in
 * any case. */
bool slurm_line_contains(const char *line, const char *word);

#endif
