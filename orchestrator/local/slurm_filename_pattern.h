/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sbatch's filename patterns (--output/--error): "%A_%a.out" and friends.
 *
 * Tests: orchestrator/local/test/test_local_executor.c,
 * orchestrator/local/test/test_slurm_filename_pattern.c. */
#ifndef SCALABLE_SLURM_FILENAME_PATTERN_H
#define SCALABLE_SLURM_FILENAME_PATTERN_H

#include <stdint.h>

/* What the placeholders stand for in one batch step. */
struct slurm_filename_values {
	uint32_t job_id;         /* %j */
	uint32_t array_job_id;   /* %A */
	uint32_t array_task_id;  /* %a */
	const char *job_name;    /* %x */
	const char *node;        /* %N */
	const char *user;        /* %u */
};

/* Expands %A %a %j %J %N %n %s %t %u %x and %%; a number after % zero-pads
 * a numeric value ("%4a" -> 0007). An unknown %c stays as written, as in
 * Slurm. Returns a malloc'd string, or NULL on allocation failure. */
char *slurm_filename_expand(const char *pattern, const struct slurm_filename_values *v);

#endif
