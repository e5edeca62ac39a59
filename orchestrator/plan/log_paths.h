/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a run's logs go, in each layout of the run directory
 * (docs/run-directory.md, "Layouts"): the one place their paths are made,
 * for the writers (the prelude of a wave script, sbatch's --output, the
 * local executor) and the readers (the tracker, diagnose).
 *
 *   layout 1 (runs made before layouts were versioned; run.json without
 *   "layout"): everything in logs/ itself:
 *     logs/<component>-<index>.<attempt>.out|.err
 *     logs/slurm-<array job>_<array task>.out
 *   layout 2: fanned out, so no directory holds more than a few thousand
 *   entries however big the run:
 *     logs/tasks/<component>/<index / 1000>/<component>-<index>.<attempt>.out|.err
 *     logs/slurm/<component>/<offset>/slurm-<array job>_<array task>.out
 *   where offset is the chunk's SCALABLE_INDEX_OFFSET (index - array task
 *   id): sbatch's --output cannot divide, so Slurm's output of a chunk
 *   shares one directory, which the orchestrator makes before it submits,
 *   and a chunk has at most LOG_SLURM_CHUNK_MAX tasks.
 * Sweeper jobs' output stays logs/sweeper-<job>.out in both (one per pass).
 *
 * Tests: orchestrator/plan/test/test_log_paths.c. */
#ifndef SCALABLE_LOG_PATHS_H
#define SCALABLE_LOG_PATHS_H

#include <stddef.h>
#include <stdint.h>

#define RUN_LAYOUT_FLAT 1
#define RUN_LAYOUT_FANNED 2
#define RUN_LAYOUT_CURRENT RUN_LAYOUT_FANNED  /* what a new run is made with */
#define LOG_BUCKET 1000                      /* scenarios per directory of task logs */
#define LOG_SLURM_CHUNK_MAX 5000u            /* array tasks per chunk in layout 2 */

/* The layout a run.json value means: 0 (absent) and unknown ones are 1. */
int run_layout_of(int recorded);

/* The stem (no ".out"/".err") of a task's logs, relative to the run
 * directory, from text: index, bucket (index / LOG_BUCKET) and attempt as
 * numbers or as shell expressions (the prelude's). Returns 0, or -1 when
 * it does not fit. */
int log_task_stem_text(int layout, const char *component, const char *index,
		       const char *bucket, const char *attempt, char *buf, size_t len);
/* The same from numbers. */
int log_task_stem(int layout, const char *component, size_t index, unsigned attempt,
		  char *buf, size_t len);

/* Slurm's output of an array task, relative to the run directory, from
 * text: the array job and task as numbers, or "%A" and "%a" for sbatch's
 * --output pattern. Returns 0, or -1 when it does not fit. */
int log_slurm_output_text(int layout, const char *component, size_t offset,
			  const char *array_job, const char *array_task, char *buf, size_t len);
/* The same from numbers: the attempt of index ran as array_task of array_job. */
int log_slurm_output(int layout, const char *component, size_t index, int64_t array_job,
		     int64_t array_task, char *buf, size_t len);
/* path as literal text in an sbatch filename pattern: each '%' doubled (a
 * runs directory may hold one). malloc'd; NULL when out of memory. */
char *log_pattern_escape(const char *path);

#endif
