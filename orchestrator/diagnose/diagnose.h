/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable diagnose, the heuristic half: what failed in a run, why, where,
 * and what to change, from the run directory alone (no network, no Slurm).
 *
 * It reads run.json, failures.jsonl, tasks.jsonl and scenarios.jsonl
 * (skipping a torn last line, and any line that is not a JSON object),
 * groups the failed attempts by failure class and message pattern
 * (diagnose_pattern.h), and makes one finding per group, plus one for a
 * node that holds most of the failures, each with its evidence, a concrete
 * suggestion and a severity:
 *
 *   critical  the group left at least 10% of the run's tasks failed;
 *   high      it left some tasks failed (a node finding whose failures did);
 *   medium    none failed for good, but some are still waiting for a retry,
 *             or they were recovered only by retrying with more memory or
 *             walltime (the next run pays for those retries again);
 *   low       every task got past it with a plain retry (a task that then
 *             failed otherwise counts in the finding of its final failure).
 *
 * Works on a finished run, on one in progress, and on one whose
 * orchestrator died (status still "running").
 *
 * Tests: orchestrator/diagnose/test/test_diagnose.c,
 * orchestrator/diagnose/test/test_diagnose_details.c (final failures,
 * memory per request, the memory cap). */
#ifndef SCALABLE_DIAGNOSE_H
#define SCALABLE_DIAGNOSE_H

#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/util/error.h"

struct diagnosis;

/* Reads the run at run_path and analyses it. Errors: exit code 5 when
 * run_path holds no run.json, 3 when a file cannot be read. */
int diagnose_run(const char *run_path, struct diagnosis **out, struct error *err);
/* The test seam SCALABLE_DIAGNOSE_CHUNK=<bytes>: the size of the chunks
 * failures.jsonl and tasks.jsonl are cut into, so that small files are read
 * on several threads (test_seam.h: test builds only). main takes it out of
 * the environment at startup; the first diagnosis it changes says so. */
void diagnose_chunk_arm_from_env(void);
#ifdef SCALABLE_TEST_SEAMS
/* Arms it with a size in bytes (NULL, "" or not a positive number: none). */
void diagnose_chunk_arm(const char *bytes);
#endif
void diagnose_free(struct diagnosis *dx);

/* {"summary": {...}, "findings": [{"severity", "category", "failure_class",
 * "count", "pattern", "evidence": {...}, "suggestion", ...}]}; NULL when
 * memory runs out. */
json_t *diagnose_json(const struct diagnosis *dx);
/* What diagnose --ai sends (diagnose_ai_summary.c): the summary's counts,
 * up to DX_AI_FINDINGS findings (title, pattern, evidence text, suggestion)
 * each with the last DX_AI_TAIL_LINES lines of one failure's stderr tail,
 * every string shortened and passed through redact_secrets (redact.h); no
 * paths of the run directory. NULL when memory runs out. */
#define DX_AI_FINDINGS 12
#define DX_AI_TAIL_LINES 6
json_t *diagnose_ai_summary(const struct diagnosis *dx);
/* The report for people; color: ANSI colours. Returns 0, or -1 when
 * writing failed. */
int diagnose_print(FILE *out, const struct diagnosis *dx, bool color);

#endif
