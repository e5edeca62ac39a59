/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging from the plugin: every message prefixed "spank_scalable: ", routine
 * detail at debug level, a problem once per step at verbose level (what
 * slurm_error prints would reach the user's stderr, so it is never used).
 *
 * Tests: spank/test/test_step_recorder.c. */
#ifndef SCALABLE_PLUGIN_LOG_H
#define SCALABLE_PLUGIN_LOG_H

#include "plugin_config.h"

/* Sets the level and starts a new step's once-only problem log. */
void plugin_log_set_level(enum plugin_log_level level);

/* Routine detail: slurm_debug (slurm_verbose with log=debug). */
void plugin_log_routine(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A problem: the first per process at slurm_verbose, later ones at slurm_debug. */
void plugin_log_problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
