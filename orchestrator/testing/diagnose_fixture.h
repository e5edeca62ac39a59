/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run directories for diagnose's tests, written the way the orchestrator
 * writes them (run_record_write, task_row_json, failure_row_json). */
#ifndef SCALABLE_TEST_DIAGNOSE_FIXTURE_H
#define SCALABLE_TEST_DIAGNOSE_FIXTURE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/strbuf.h"

#define FIXTURE_RUN_ID "run-20260101T000000Z-energy-0badcafe"
#define GIB ((int64_t)1 << 30)

struct dx_fixture {
	char *root;                /* a temporary directory */
	char *dir;                 /* root/FIXTURE_RUN_ID */
	struct strbuf tasks, failures, scenarios;
};

/* One attempt that ran to an end (state "succeeded" or "failed"). */
struct attempt_spec {
	const char *component;     /* NULL: "model" */
	size_t index;
	unsigned attempt;          /* 0: 1 */
	const char *state;         /* NULL: "succeeded" */
	const char *worker;
	double duration;
	int64_t rss, memory, walltime;
	const char *failure_class, *message, *error_type, *traceback;
	int exit_code;
	const char *give_up;       /* details.retry: give_up with this reason, as
				      retry_decision.c words it ("oom: memory cap
				      1G reached"); NULL: none */
};

/* A run directory whose run.json says status ("running", "failed", ...). */
void fixture_begin(struct dx_fixture *fx, const char *status);
/* scenarios.jsonl: index with parameters (a JSON object's text). */
void fixture_scenario(struct dx_fixture *fx, size_t index, const char *parameters);
/* submitted, running, and (unless state is "running") the final row; a
 * failure record before a failed row. */
void fixture_attempt(struct dx_fixture *fx, const struct attempt_spec *a);
/* plan.json: its text as given (a JSON object). */
void fixture_plan(struct dx_fixture *fx, const char *text);
/* Appends raw text to a file's buffer ("tasks", "failures" or "scenarios"). */
void fixture_raw(struct dx_fixture *fx, const char *file, const char *text);
/* Writes the JSONL files. */
void fixture_write(struct dx_fixture *fx);
/* Appends what the buffers hold to the JSONL files and empties them, so a
 * run of 100,000 tasks is written without holding it all. */
void fixture_append(struct dx_fixture *fx);
void fixture_free(struct dx_fixture *fx);

/* The tutorial's sweep: 200 scenarios (5 regions x 4 scenarios x 10 years);
 * index % 7 == 0 fails with "OOM: scenario N exceeded memory limit" on node
 * c12 (peak 24G of a 24G request); tasks 3 and 5 fail once and task 10
 * twice with a transient error, then succeed; task 50 fails with
 * ModuleNotFoundError, task 101 times out at its 600 s limit. Everything
 * else succeeds on c01..c08 (and c12). */
void fixture_tutorial(struct dx_fixture *fx, const char *status);

/* Diagnoses fx's run: returns diagnose --json's report, and the report for
 * people (no colour) in *text (free it). A failure fails the test. */
json_t *fixture_diagnose(const struct dx_fixture *fx, char **text);
/* Fails the test unless text holds part. */
void assert_text_contains(const char *text, const char *part);

#endif
