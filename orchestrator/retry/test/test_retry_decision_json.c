/* SPDX-License-Identifier: GPL-2.0-or-later */
/* details.retry is the only place a retry decision is JSON: written from
 * the struct when failures.jsonl gets its row, parsed back into it when a
 * run is re-attached. Every kind of decision retry_decide makes comes back
 * the same, every field (previous aside: the task row has it). */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "retry/retry_decision.h"
#include "testing/retry_assert.h"
#include "units.h"

#define GIB (UNITS_MIB * 1024)
#define NOW ((time_t)1767225600)   /* 2026-01-01T00:00:00Z */

static struct component model = { .name = "model", .cpus = 2 };

static double jitter_high(void *ctx)
{
	(void)ctx;
	return 0.875;
}

/* Attempt n of index 7 of model failed with class on node n2, n1 excluded. */
static struct retry_input failed(enum failure_class class, unsigned n)
{
	return (struct retry_input){
		.component = &model, .index = 7, .attempt = n, .failure_class = class,
		.class_failures = n, .resources = { 2, 4 * GIB, 3600 },
		.max_rss_bytes = 5 * (int64_t)GIB, .elapsed_s = 3600, .time_limit_s = 3600,
		.node = "n2", .excluded = "n1", .partition = "low",
	};
}

static struct retry_policy policy(unsigned max_attempts)
{
	return (struct retry_policy){
		.max_attempts = max_attempts,
		.backoff = { .initial_s = 45, .factor = 2.0, .max_s = 3600, .jitter = 0.2 },
		.memory_factor = 2.0, .walltime_factor = 1.5, .memory_cap_bytes = 64 * GIB,
	};
}

/* Decides, writes the line failures.jsonl would hold, reads it back. */
static void round_trip(const struct retry_input *in, const struct retry_policy *p,
		       enum retry_action expected)
{
	struct retry_random random = { jitter_high, NULL };
	struct retry_decision d, back;
	json_t *written, *read;
	char *line;

	retry_decide(in, p, &random, NOW, &d);
	assert_int_equal(d.action, expected);
	written = retry_decision_json(&d);
	assert_non_null(written);
	line = json_dumps(written, JSON_COMPACT);
	assert_non_null(line);
	read = json_loads(line, 0, NULL);
	assert_non_null(read);
	assert_int_equal(retry_decision_from_json(read, &model, 7, &back), 0);
	assert_same_retry_decision(&d, &back);
	json_decref(read);
	free(line);
	json_decref(written);
}

static void resubmissions_come_back_the_same(void **state)
{
	struct retry_input in = failed(FAILURE_OOM, 2);
	struct retry_policy p = policy(5);

	(void)state;
	round_trip(&in, &p, RETRY_RESUBMIT);            /* memory grown, jittered delay */
	in = failed(FAILURE_TIMEOUT, 1);
	round_trip(&in, &p, RETRY_RESUBMIT);            /* walltime grown */
	in = failed(FAILURE_NODE_FAIL, 3);
	round_trip(&in, &p, RETRY_RESUBMIT);            /* n1,n2 excluded */
	in.partition_nodes = "n1,n2";
	round_trip(&in, &p, RETRY_RESUBMIT);            /* n2 kept, with a note */
	in = failed(FAILURE_PREEMPTED, 9);
	p = policy(CONFIG_UNLIMITED_ATTEMPTS);
	round_trip(&in, &p, RETRY_RESUBMIT);            /* unlimited */
	in.resources = (struct resources){ 1, 0, 0 };   /* nothing requested */
	round_trip(&in, &p, RETRY_RESUBMIT);
}

static void give_ups_and_follows_come_back_the_same(void **state)
{
	struct retry_input in = failed(FAILURE_OOM, 3);
	struct retry_policy p = policy(3);

	(void)state;
	round_trip(&in, &p, RETRY_GIVE_UP);             /* max_attempts reached */
	in = failed(FAILURE_OOM, 1);
	in.resources.memory_bytes = 64 * GIB;
	round_trip(&in, &p, RETRY_GIVE_UP);             /* the cap */
	in = failed(FAILURE_INPUT_ERROR, 1);
	p = policy(1);
	round_trip(&in, &p, RETRY_GIVE_UP);             /* retrying cannot help */
	in = failed(FAILURE_PREEMPTED, 2);
	in.requeued_by_slurm = true;
	p = policy(CONFIG_UNLIMITED_ATTEMPTS);
	round_trip(&in, &p, RETRY_FOLLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resubmissions_come_back_the_same),
		cmocka_unit_test(give_ups_and_follows_come_back_the_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
