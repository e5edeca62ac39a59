/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Retry decisions: OOM and timeout escalation with their caps, node
 * exclusion, backoff with and without jitter (a fixed random source),
 * unlimited preemption and what Slurm requeued, fail-fast classes, the
 * summary and details.retry round trip, and grouping one wave's decisions
 * into the fewest plan requests. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testing/orch_helpers.h"
#include "plan/plan.h"
#include "retry/retry_decision.h"
#include "retry/retry_wave.h"
#include "test/tmpdir.h"
#include "units.h"

#define GIB (UNITS_MIB * 1024)
#define NOW ((time_t)1767225600)   /* 2026-01-01T00:00:00Z */

static struct component model = { .name = "model", .cpus = 1 };
static struct component post = { .name = "post", .cpus = 1 };

/* A policy with docs/design.md's shape: factor 2, cap 1h, no jitter. */
static struct retry_policy policy(unsigned max_attempts, uint64_t initial_s)
{
	return (struct retry_policy){
		.max_attempts = max_attempts,
		.backoff = { .initial_s = initial_s, .factor = 2.0, .max_s = 3600 },
		.memory_factor = 2.0, .walltime_factor = 2.0,
	};
}

/* Attempt n of index 7 failed with class, its n-th failure of that class. */
static struct retry_input failed(enum failure_class class, unsigned n)
{
	return (struct retry_input){
		.component = &model, .index = 7, .attempt = n, .failure_class = class,
		.class_failures = n, .resources = { 1, 4 * GIB, 3600 },
		.max_rss_bytes = -1, .elapsed_s = -1, .time_limit_s = -1,
	};
}

static struct retry_decision decide(const struct retry_input *in, const struct retry_policy *p)
{
	struct retry_decision d;

	retry_decide(in, p, NULL, NOW, &d);
	return d;
}

static void assert_summary(const struct retry_decision *d, const char *expected)
{
	char text[RETRY_SUMMARY_SIZE];

	retry_summary(d, text, sizeof text);
	assert_string_equal(text, expected);
}

static void test_oom_doubles_the_request(void **state)
{
	struct retry_input in = failed(FAILURE_OOM, 1);
	struct retry_policy p = policy(3, 0);
	struct retry_decision d = decide(&in, &p);

	(void)state;
	assert_int_equal(d.action, RETRY_RESUBMIT);
	assert_int_equal(d.next_attempt, 2);
	assert_int_equal(d.resources.memory_bytes, 8 * GIB);
	assert_int_equal(d.resources.walltime_s, 3600);
	assert_int_equal(d.resources.cpus, 1);
	assert_int_equal(d.delay_s, 0);
	assert_int_equal(d.not_before, NOW);
	assert_summary(&d, "retry 2/3 at once with memory 4G\u21928G");
}

/* peak x 1.25 wins over request x factor, rounded up to whole MiB. */
static void test_oom_measured_peak(void **state)
{
	struct retry_input in = failed(FAILURE_OOM, 1);
	struct retry_policy p = policy(3, 0);
	struct retry_decision d;

	(void)state;
	in.max_rss_bytes = 7000000000;          /* x 1.25 = 8750000000 = 8344.6 MiB */
	d = decide(&in, &p);
	assert_int_equal(d.resources.memory_bytes, 8345 * UNITS_MIB);
	in.max_rss_bytes = 2 * GIB;             /* below the doubled request */
	d = decide(&in, &p);
	assert_int_equal(d.resources.memory_bytes, 8 * GIB);
	/* no request (cluster default): the peak alone */
	in.resources.memory_bytes = 0;
	in.max_rss_bytes = GIB;
	d = decide(&in, &p);
	assert_int_equal(d.resources.memory_bytes, 1280 * UNITS_MIB);
	assert_summary(&d, "retry 2/3 at once with memory 1280M");
	in.max_rss_bytes = -1;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_GIVE_UP);
	assert_string_equal(d.reason, "oom: no memory request and no measured peak to grow from");
}

/* The samples saw more than the end event's RSS (page cache): they count;
 * less: the end event's peak stands (never less than without samples). */
static void test_oom_sampled_peak(void **state)
{
	struct retry_input in = failed(FAILURE_OOM, 1);
	struct retry_policy p = policy(3, 0);
	struct retry_decision d;

	(void)state;
	in.resources.memory_bytes = 0;
	in.max_rss_bytes = GIB;
	in.sampled_peak_bytes = 2 * GIB;        /* x 1.25 = 2560M */
	d = decide(&in, &p);
	assert_int_equal(d.resources.memory_bytes, 2560 * UNITS_MIB);
	in.sampled_peak_bytes = GIB / 2;
	d = decide(&in, &p);
	assert_int_equal(d.resources.memory_bytes, 1280 * UNITS_MIB);
	in.max_rss_bytes = -1;                  /* samples alone */
	in.sampled_peak_bytes = 4 * GIB;
	d = decide(&in, &p);
	assert_int_equal(d.resources.memory_bytes, 5 * GIB);
	in = failed(FAILURE_OOM, 1);            /* 4G requested, doubled: above 1.25 x 4G */
	in.max_rss_bytes = 3 * GIB;
	in.sampled_peak_bytes = 4 * GIB;
	d = decide(&in, &p);
	assert_int_equal(d.resources.memory_bytes, 8 * GIB);
}

static void test_oom_cap(void **state)
{
	struct retry_input in = failed(FAILURE_OOM, 1);
	struct retry_policy p = policy(5, 0);
	struct retry_decision d;

	(void)state;
	p.memory_cap_bytes = 6 * GIB;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_RESUBMIT);
	assert_int_equal(d.resources.memory_bytes, 6 * GIB);   /* min(cap, 8G) */
	in = failed(FAILURE_OOM, 2);
	in.resources.memory_bytes = 6 * GIB;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_GIVE_UP);
	assert_string_equal(d.reason, "oom: memory cap 6G reached");
	assert_summary(&d, "give up: oom: memory cap 6G reached");
	/* a factor of 1 and a peak within the request: nothing would change */
	p = policy(5, 0);
	p.memory_factor = 1.0;
	in = failed(FAILURE_OOM, 1);
	in.max_rss_bytes = GIB;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_GIVE_UP);
	assert_string_equal(d.reason,
			    "oom: memory would not grow beyond 4G with memory_factor 1");
}

static void test_timeout_escalation_and_cap(void **state)
{
	struct retry_input in = failed(FAILURE_TIMEOUT, 1);
	struct retry_policy p = policy(5, 0);
	struct retry_decision d;

	(void)state;
	p.walltime_cap_s = 3 * 3600;
	d = decide(&in, &p);
	assert_int_equal(d.resources.walltime_s, 2 * 3600);
	assert_int_equal(d.resources.memory_bytes, 4 * GIB);
	assert_summary(&d, "retry 2/5 at once with walltime 1h\u21922h");
	in.resources.walltime_s = 2 * 3600;
	d = decide(&in, &p);
	assert_int_equal(d.resources.walltime_s, 3 * 3600);    /* capped */
	in.resources.walltime_s = 3 * 3600;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_GIVE_UP);
	assert_string_equal(d.reason, "timeout: walltime cap 3h reached");
	/* whole minutes, as Slurm keeps them: 90s x 1.5 = 135s -> 3m */
	p.walltime_factor = 1.5;
	in.resources.walltime_s = 90;
	d = decide(&in, &p);
	assert_int_equal(d.resources.walltime_s, 180);
}

/* Without a requested walltime: Slurm's limit, else the time it ran. */
static void test_timeout_without_request(void **state)
{
	struct retry_input in = failed(FAILURE_TIMEOUT, 1);
	struct retry_policy p = policy(3, 0);
	struct retry_decision d;

	(void)state;
	in.resources.walltime_s = 0;
	in.time_limit_s = 1800;
	d = decide(&in, &p);
	assert_int_equal(d.resources.walltime_s, 3600);
	in.time_limit_s = -1;
	in.elapsed_s = 600.4;
	d = decide(&in, &p);
	assert_int_equal(d.resources.walltime_s, 1200);
	in.elapsed_s = -1;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_GIVE_UP);
	assert_string_equal(d.reason, "timeout: no walltime known to grow from");
}

/* Field by field: struct resources has padding after cpus, which a copy
 * need not keep (clang's ASan build failed a memcmp of the two). */
static void assert_same_resources(const struct resources *a, const struct resources *b)
{
	assert_int_equal(a->cpus, b->cpus);
	assert_int_equal(a->memory_bytes, b->memory_bytes);
	assert_int_equal(a->walltime_s, b->walltime_s);
}

static void test_node_fail_excludes_the_node(void **state)
{
	struct retry_input in = failed(FAILURE_NODE_FAIL, 1);
	struct retry_policy p = policy(3, 60);
	struct retry_decision d;

	(void)state;
	in.node = "n07";
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_RESUBMIT);
	assert_string_equal(d.exclude, "n07");
	assert_same_resources(&d.resources, &in.resources);
	assert_summary(&d, "retry 2/3 in 60s excluding n07");
	/* added to what the attempt already excluded, sorted, once */
	in = failed(FAILURE_NODE_FAIL, 2);
	in.node = "n05";
	in.excluded = "n03,n09";
	d = decide(&in, &p);
	assert_string_equal(d.exclude, "n03,n05,n09");
	in.node = "n09";
	d = decide(&in, &p);
	assert_string_equal(d.exclude, "n03,n09");
	/* an unknown node: retried where Slurm likes */
	in.node = NULL;
	in.excluded = NULL;
	d = decide(&in, &p);
	assert_string_equal(d.exclude, "");
}

/* Excluding the partition's last node would leave the retry unschedulable:
 * the node stays allowed and the decision says so. */
static void test_node_fail_keeps_the_last_node(void **state)
{
	struct retry_input in = failed(FAILURE_NODE_FAIL, 1);
	struct retry_policy p = policy(3, 60);
	struct retry_decision d, back;
	json_t *json;

	(void)state;
	in.node = "vm";
	in.partition = "low";
	in.partition_nodes = "vm";
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_RESUBMIT);
	assert_string_equal(d.exclude, "");
	assert_string_equal(d.note, "vm not excluded: partition low would have no node left");
	assert_summary(&d, "retry 2/3 in 60s");
	json = retry_decision_json(&d);
	assert_non_null(json);
	assert_string_equal(json_string_value(json_object_get(json, "note")), d.note);
	assert_int_equal(json_array_size(json_object_get(json, "exclude")), 0);
	assert_int_equal(retry_decision_from_json(json, &model, 7, &back), 0);
	assert_string_equal(back.note, d.note);
	json_decref(json);
	/* n1 already out and n2 failing: n10 is no prefix match of n1, so one is left */
	in.node = "n2";
	in.excluded = "n1";
	in.partition_nodes = "n1,n10,n2";
	d = decide(&in, &p);
	assert_string_equal(d.exclude, "n1,n2");
	assert_string_equal(d.note, "");
	/* the last of three: kept */
	in.excluded = "n1,n10";
	d = decide(&in, &p);
	assert_string_equal(d.exclude, "n1,n10");
	assert_string_equal(d.note, "n2 not excluded: partition low would have no node left");
	/* nodes unknown: excluded as before */
	in.partition_nodes = NULL;
	d = decide(&in, &p);
	assert_string_equal(d.exclude, "n1,n10,n2");
}

/* A list that would overflow keeps what it had. */
static void test_node_list_full(void **state)
{
	struct retry_input in = failed(FAILURE_NODE_FAIL, 1);
	struct retry_policy p = policy(3, 0);
	char list[RETRY_EXCLUDE_SIZE];
	struct retry_decision d;

	(void)state;
	memset(list, 'a', sizeof list - 1);
	list[sizeof list - 1] = '\0';
	in.excluded = list;
	in.node = "zz";
	d = decide(&in, &p);
	assert_int_equal(strlen(d.exclude), RETRY_EXCLUDE_SIZE - 1);
}

static void test_backoff_without_jitter(void **state)
{
	struct backoff b = { .initial_s = 30, .factor = 2.0, .max_s = 3600 };

	(void)state;
	assert_int_equal(retry_backoff_s(&b, 1, 0.5), 30);
	assert_int_equal(retry_backoff_s(&b, 2, 0.5), 60);
	assert_int_equal(retry_backoff_s(&b, 3, 0.5), 120);
	assert_int_equal(retry_backoff_s(&b, 7, 0.5), 1920);
	assert_int_equal(retry_backoff_s(&b, 8, 0.5), 3600);       /* 3840, capped */
	assert_int_equal(retry_backoff_s(&b, 1000000, 0.5), 3600);
	b.factor = 1.0;
	assert_int_equal(retry_backoff_s(&b, 50, 0.5), 30);
	b = (struct backoff){ .initial_s = 0, .factor = 2.0, .max_s = 3600 };
	assert_int_equal(retry_backoff_s(&b, 5, 0.9), 0);
}

static void test_backoff_with_jitter(void **state)
{
	struct backoff b = { .initial_s = 100, .factor = 2.0, .max_s = 3600, .jitter = 0.1 };

	(void)state;
	assert_int_equal(retry_backoff_s(&b, 1, 0.0), 90);         /* -10% */
	assert_int_equal(retry_backoff_s(&b, 1, 0.5), 100);
	assert_int_equal(retry_backoff_s(&b, 1, 0.75), 105);
	assert_int_equal(retry_backoff_s(&b, 1, 0.999999), 110);   /* about +10% */
	assert_int_equal(retry_backoff_s(&b, 2, 0.25), 190);
	/* at the cap the jitter may only lower it */
	assert_int_equal(retry_backoff_s(&b, 9, 0.999999), 3600);
	assert_int_equal(retry_backoff_s(&b, 9, 0.0), 3240);
	/* out of range: no jitter */
	assert_int_equal(retry_backoff_s(&b, 1, 1.0), 100);
	assert_int_equal(retry_backoff_s(&b, 1, -0.5), 100);
}

/* A random source that replays fixed numbers. */
struct replay {
	const double *values;
	size_t next;
};

static double replay_next(void *ctx)
{
	struct replay *r = ctx;

	return r->values[r->next++];
}

/* retry_decide draws one number per resubmission from the seam. */
static void test_decide_uses_the_random_seam(void **state)
{
	static const double values[] = { 0.0, 0.999999 };
	struct replay replay = { values, 0 };
	struct retry_random random = { replay_next, &replay };
	struct retry_input in = failed(FAILURE_TRANSIENT, 2);
	struct retry_policy p = policy(4, 30);
	struct retry_decision d;

	(void)state;
	p.backoff.jitter = 0.5;
	retry_decide(&in, &p, &random, NOW, &d);
	assert_int_equal(d.delay_s, 30);                         /* 60 - 50% */
	assert_int_equal(d.not_before, NOW + 30);
	retry_decide(&in, &p, &random, NOW, &d);
	assert_int_equal(d.delay_s, 90);                         /* 60 + 50% */
	assert_int_equal(replay.next, 2);
	assert_summary(&d, "retry 3/4 in 90s");
	/* give-ups draw nothing */
	in = failed(FAILURE_INPUT_ERROR, 1);
	p = policy(1, 0);
	retry_decide(&in, &p, &random, NOW, &d);
	assert_int_equal(replay.next, 2);
}

static void test_system_random_in_range(void **state)
{
	struct retry_random random = retry_random_system();

	(void)state;
	for (int i = 0; i < 1000; i++) {
		double u = random.next(random.ctx);

		assert_true(u >= 0.0 && u < 1.0);
	}
}

static void test_preemption_unlimited(void **state)
{
	struct retry_input in = failed(FAILURE_PREEMPTED, 40);
	struct retry_policy p = policy(CONFIG_UNLIMITED_ATTEMPTS, 60);
	struct retry_decision d = decide(&in, &p);

	(void)state;
	assert_int_equal(d.action, RETRY_RESUBMIT);
	assert_int_equal(d.next_attempt, 41);
	assert_int_equal(d.delay_s, 3600);
	assert_summary(&d, "retry 41/unlimited in 3600s");
}

/* What Slurm requeued is followed, never resubmitted. */
static void test_preemption_requeued_by_slurm(void **state)
{
	struct retry_input in = failed(FAILURE_PREEMPTED, 1);
	struct retry_policy p = policy(CONFIG_UNLIMITED_ATTEMPTS, 60);
	struct retry_decision d;

	(void)state;
	in.requeued_by_slurm = true;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_FOLLOW);
	assert_int_equal(d.next_attempt, 0);
	assert_summary(&d, "follow: Slurm requeued it by itself; the same attempt goes on");
	/* the flag speaks of preemption only */
	in.failure_class = FAILURE_TRANSIENT;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_RESUBMIT);
}

static void test_fail_fast_and_max_attempts(void **state)
{
	struct retry_input in = failed(FAILURE_INPUT_ERROR, 1);
	struct retry_policy once = policy(1, 0), four = policy(4, 30);
	struct retry_decision d = decide(&in, &once);

	(void)state;
	assert_int_equal(d.action, RETRY_GIVE_UP);
	assert_string_equal(d.reason, "input_error: retrying cannot help");
	in.failure_class = FAILURE_DEPENDENCY_ERROR;
	d = decide(&in, &once);
	assert_string_equal(d.reason, "dependency_error: retrying cannot help");
	in.failure_class = FAILURE_RUNTIME_ERROR;
	d = decide(&in, &once);
	assert_string_equal(d.reason, "runtime_error: not retried (max_attempts 1)");
	/* a user who allows retries of a fail-fast class gets them */
	in.failure_class = FAILURE_INPUT_ERROR;
	d = decide(&in, &four);
	assert_int_equal(d.action, RETRY_RESUBMIT);
	in = failed(FAILURE_TRANSIENT, 3);
	d = decide(&in, &four);
	assert_int_equal(d.action, RETRY_RESUBMIT);
	assert_summary(&d, "retry 4/4 in 120s");
	in = failed(FAILURE_TRANSIENT, 4);
	d = decide(&in, &four);
	assert_int_equal(d.action, RETRY_GIVE_UP);
	assert_summary(&d, "give up: transient: max_attempts 4 reached");
}

/* The count is per class: earlier failures of other classes do not count,
 * while the attempt number goes on. */
static void test_attempts_count_per_class(void **state)
{
	struct retry_input in = failed(FAILURE_TRANSIENT, 1);
	struct retry_policy p = policy(2, 30);
	struct retry_decision d;

	(void)state;
	in.attempt = 5;
	d = decide(&in, &p);
	assert_int_equal(d.action, RETRY_RESUBMIT);
	assert_int_equal(d.next_attempt, 6);
	assert_int_equal(d.delay_s, 30);
}

static void test_json_round_trip(void **state)
{
	struct retry_input in = failed(FAILURE_NODE_FAIL, 2);
	struct retry_policy p = policy(3, 60);
	struct retry_decision d, back;
	json_t *json;

	(void)state;
	in.node = "n2";
	in.excluded = "n1";
	in.resources.walltime_s = 0;
	d = decide(&in, &p);
	json = retry_decision_json(&d);
	assert_non_null(json);
	assert_string_equal(json_string_value(json_object_get(json, "action")), "retry");
	assert_string_equal(json_string_value(json_object_get(json, "summary")),
			    "retry 3/3 in 120s excluding n1,n2");
	assert_string_equal(json_string_value(json_object_get(json, "not_before")),
			    "2026-01-01T00:02:00.000Z");
	assert_true(json_is_null(json_object_get(json_object_get(json, "resources"),
						 "walltime_s")));
	assert_int_equal(retry_decision_from_json(json, &model, 7, &back), 0);
	assert_int_equal(back.action, RETRY_RESUBMIT);
	assert_ptr_equal(back.component, &model);
	assert_int_equal(back.failure_class, FAILURE_NODE_FAIL);
	assert_int_equal(back.next_attempt, 3);
	assert_int_equal(back.class_failures, 2);
	assert_int_equal(back.max_attempts, 3);
	assert_int_equal(back.delay_s, 120);
	assert_int_equal(back.not_before, NOW + 120);
	assert_same_resources(&back.resources, &d.resources);
	assert_string_equal(back.exclude, "n1,n2");
	json_decref(json);
}

static void test_json_give_up_and_foreign(void **state)
{
	struct retry_input in = failed(FAILURE_PREEMPTED, 3);
	struct retry_policy p = policy(CONFIG_UNLIMITED_ATTEMPTS, 60);
	struct retry_decision d, back;
	json_t *json, *foreign;

	(void)state;
	in = failed(FAILURE_OOM, 3);
	p = policy(3, 0);
	d = decide(&in, &p);
	json = retry_decision_json(&d);
	assert_string_equal(json_string_value(json_object_get(json, "action")), "give_up");
	assert_string_equal(json_string_value(json_object_get(json, "reason")),
			    "oom: max_attempts 3 reached");
	assert_null(json_object_get(json, "resources"));
	assert_int_equal(retry_decision_from_json(json, &model, 7, &back), 0);
	assert_int_equal(back.action, RETRY_GIVE_UP);
	assert_string_equal(back.reason, "oom: max_attempts 3 reached");
	json_decref(json);
	/* unlimited reads back as 0 */
	in = failed(FAILURE_PREEMPTED, 3);
	p = policy(CONFIG_UNLIMITED_ATTEMPTS, 60);
	d = decide(&in, &p);
	json = retry_decision_json(&d);
	assert_true(json_is_null(json_object_get(json, "max_attempts")));
	assert_int_equal(retry_decision_from_json(json, &model, 7, &back), 0);
	assert_int_equal(back.max_attempts, 0);
	json_decref(json);
	/* not ours */
	assert_int_equal(retry_decision_from_json(NULL, &model, 7, &back), -1);
	foreign = json_pack("{s:s, s:i}", "action", "fail", "next_attempt", 2);
	assert_int_equal(retry_decision_from_json(foreign, &model, 7, &back), -1);
	json_decref(foreign);
}

/* A resubmission of index with memory mem, exclusion, delay. */
static struct retry_decision resubmit(struct component *c, size_t index, uint64_t mem,
				      const char *exclude, uint64_t delay_s)
{
	struct retry_decision d;

	memset(&d, 0, sizeof d);
	d.action = RETRY_RESUBMIT;
	d.component = c;
	d.index = index;
	d.attempt = 1;
	d.next_attempt = 2 + index % 3;  /* attempts differ per index */
	d.resources = (struct resources){ 1, mem, 3600 };
	snprintf(d.exclude, sizeof d.exclude, "%s", exclude);
	d.delay_s = delay_s;
	d.not_before = NOW + (int64_t)delay_s;
	return d;
}

static void test_group_identical_into_one(void **state)
{
	struct retry_decision d[30];
	struct retry_wave w;
	struct error err;

	(void)state;
	for (size_t i = 0; i < 30; i++)   /* given in reverse, delays 0..29 */
		d[i] = resubmit(&model, (29 - i) * 7, 8 * GIB, "", i);
	assert_int_equal(retry_wave_group(d, 30, NOW, &w, &err), 0);
	assert_int_equal(w.n_requests, 1);
	assert_ptr_equal(w.requests[0].component, &model);
	assert_int_equal(w.requests[0].n_tasks, 30);
	assert_int_equal(w.requests[0].resources.memory_bytes, 8 * GIB);
	assert_int_equal(w.requests[0].begin_delay_s, 29);       /* the latest member's */
	assert_null(w.exclude[0]);
	for (size_t t = 0; t < 30; t++) {
		assert_int_equal(w.requests[0].tasks[t].index, t * 7);
		assert_int_equal(w.requests[0].tasks[t].attempt, 2 + (t * 7) % 3);
	}
	retry_wave_free(&w);
}

static void test_group_mixed(void **state)
{
	struct retry_decision d[64];
	size_t n = 0;
	struct retry_wave w;
	struct error err;

	(void)state;
	for (size_t i = 0; i < 10; i++)
		d[n++] = resubmit(&model, i, 8 * GIB, "", 0);       /* oom 4G -> 8G */
	for (size_t i = 10; i < 15; i++)
		d[n++] = resubmit(&model, i, 16 * GIB, "", 0);      /* oom 8G -> 16G */
	for (size_t i = 15; i < 19; i++)
		d[n++] = resubmit(&model, i, 4 * GIB, "", 30);      /* transient */
	for (size_t i = 19; i < 22; i++)
		d[n++] = resubmit(&model, i, 4 * GIB, "n1", 60);    /* node_fail on n1 */
	for (size_t i = 22; i < 24; i++)
		d[n++] = resubmit(&model, i, 4 * GIB, "n1,n2", 60); /* then on n2 */
	for (size_t i = 0; i < 2; i++)
		d[n++] = resubmit(&post, i, 4 * GIB, "", 30);       /* another component */
	for (size_t i = 24; i < 29; i++) {
		d[n] = resubmit(&model, i, 4 * GIB, "", 0);
		d[n++].action = i % 2 ? RETRY_GIVE_UP : RETRY_FOLLOW;  /* skipped */
	}
	assert_int_equal(retry_wave_group(d, n, NOW, &w, &err), 0);
	assert_int_equal(w.n_requests, 6);
	assert_int_equal(w.n_tasks, 26);
	/* sorted: component, cpus, memory, walltime, exclude */
	assert_int_equal(w.requests[0].n_tasks, 4);
	assert_null(w.exclude[0]);
	assert_int_equal(w.requests[0].begin_delay_s, 30);
	assert_int_equal(w.requests[1].n_tasks, 3);
	assert_string_equal(w.exclude[1], "n1");
	assert_int_equal(w.requests[2].n_tasks, 2);
	assert_string_equal(w.exclude[2], "n1,n2");
	assert_int_equal(w.requests[3].resources.memory_bytes, 8 * GIB);
	assert_int_equal(w.requests[3].n_tasks, 10);
	assert_int_equal(w.requests[3].begin_delay_s, 0);
	assert_int_equal(w.requests[4].resources.memory_bytes, 16 * GIB);
	assert_ptr_equal(w.requests[5].component, &post);
	assert_int_equal(w.requests[5].n_tasks, 2);
	retry_wave_free(&w);
}

/* Built later than decided (a re-attach): only what is left is waited. */
static void test_group_delay_is_what_is_left(void **state)
{
	struct retry_decision d[2] = { resubmit(&model, 1, GIB, "", 100),
				       resubmit(&model, 2, GIB, "", 10) };
	struct retry_wave w;
	struct error err;

	(void)state;
	assert_int_equal(retry_wave_group(d, 2, NOW + 40, &w, &err), 0);
	assert_int_equal(w.requests[0].begin_delay_s, 60);
	retry_wave_free(&w);
	assert_int_equal(retry_wave_group(d, 2, NOW + 500, &w, &err), 0);
	assert_int_equal(w.requests[0].begin_delay_s, 0);
	retry_wave_free(&w);
}

static void test_group_refuses_an_index_twice(void **state)
{
	struct retry_decision d[3] = { resubmit(&model, 4, GIB, "", 0),
				       resubmit(&post, 4, GIB, "", 0),
				       resubmit(&model, 4, 2 * GIB, "", 0) };
	struct retry_wave w;
	struct error err;

	(void)state;
	assert_int_equal(retry_wave_group(d, 2, NOW, &w, &err), 0);  /* two components */
	assert_int_equal(w.n_requests, 2);
	retry_wave_free(&w);
	assert_int_equal(retry_wave_group(d, 3, NOW, &w, &err), -1);
	assert_non_null(strstr(err.text, "index 4 of component model"));
	assert_null(w.requests);
	assert_int_equal(retry_wave_group(d, 0, NOW, &w, &err), 0);
	assert_int_equal(w.n_requests, 0);
	retry_wave_free(&w);
}

static const char plan_yaml[] =
	"version: 1\n"
	"project: retry\n"
	"targets:\n"
	"  hpc: {provider: slurm, partition: batch}\n"
	"components:\n"
	"  model:\n"
	"    command: echo {{ n }}\n"
	"    memory: 4G\n"
	"    walltime: \"01:00:00\"\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 99}\n";

/* The requests are what plan_wave takes: one group each, with the delay. */
static void test_group_feeds_plan_wave(void **state)
{
	char *dir = tmpdir_create();
	struct config *config = load_config_text(dir, plan_yaml);
	struct component *c = &config->components[0];
	struct plan_options o = { .target = config_target(config, NULL), .run_dir = dir,
				  .run_id = "run-test", .wave = "w002", .max_array_size = 1001 };
	struct retry_decision d[30];
	struct retry_wave w;
	struct plan *plan;
	struct error err;

	(void)state;
	for (size_t i = 0; i < 30; i++)
		d[i] = resubmit(c, i * 3, i < 20 ? 8 * GIB : 16 * GIB, "", i < 20 ? 0 : 45);
	assert_int_equal(retry_wave_group(d, 30, NOW, &w, &err), 0);
	if (plan_wave(config, &o, w.requests, w.n_requests, &plan, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(plan->n_groups, 2);
	assert_string_equal(plan->groups[0].name, "model");
	assert_int_equal(plan->groups[0].n_tasks, 20);
	assert_string_equal(plan->groups[1].name, "model.2");
	assert_int_equal(plan->groups[1].begin_delay_s, 45);
	assert_string_equal(plan->groups[1].chunks[0].array, "60,63,66,69,72,75,78,81,84,87");
	plan_free(plan);
	retry_wave_free(&w);
	config_free(config);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_doubles_the_request),
		cmocka_unit_test(test_oom_measured_peak),
		cmocka_unit_test(test_oom_sampled_peak),
		cmocka_unit_test(test_oom_cap),
		cmocka_unit_test(test_timeout_escalation_and_cap),
		cmocka_unit_test(test_timeout_without_request),
		cmocka_unit_test(test_node_fail_excludes_the_node),
		cmocka_unit_test(test_node_fail_keeps_the_last_node),
		cmocka_unit_test(test_node_list_full),
		cmocka_unit_test(test_backoff_without_jitter),
		cmocka_unit_test(test_backoff_with_jitter),
		cmocka_unit_test(test_decide_uses_the_random_seam),
		cmocka_unit_test(test_system_random_in_range),
		cmocka_unit_test(test_preemption_unlimited),
		cmocka_unit_test(test_preemption_requeued_by_slurm),
		cmocka_unit_test(test_fail_fast_and_max_attempts),
		cmocka_unit_test(test_attempts_count_per_class),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_give_up_and_foreign),
		cmocka_unit_test(test_group_identical_into_one),
		cmocka_unit_test(test_group_mixed),
		cmocka_unit_test(test_group_delay_is_what_is_left),
		cmocka_unit_test(test_group_refuses_an_index_twice),
		cmocka_unit_test(test_group_feeds_plan_wave),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
