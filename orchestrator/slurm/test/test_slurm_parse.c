/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the readers of Slurm's output: field formats, squeue, sacct
 * and scontrol, on text captured from Slurm 22.05 (tests/fixtures/slurm/,
 * from the private cluster of tests/cluster) and on a few made-up lines for
 * what that cluster did not show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "testing/orch_helpers.h"
#include "slurm/slurm_commands.h"
#include "slurm/slurm_config.h"
#include "slurm/slurm_fields.h"
#include "test/tmpdir.h"

#define NONE SLURM_NO_ARRAY_TASK

/* The text of tests/fixtures/slurm/<name>. */
static char *fixture(const char *name)
{
	char relpath[128], *path, *slash, *text;

	snprintf(relpath, sizeof relpath, "slurm/%s", name);
	path = fixture_path(relpath);
	slash = strrchr(path, '/');
	*slash = '\0';
	text = tmpdir_read(path, slash + 1);
	assert_non_null(text);
	free(path);
	return text;
}

/* Parses a fixture with parse, sorted; fails the test on error. */
static void parse_fixture(const char *name,
			  int (*parse)(const char *, struct slurm_jobs *, struct error *),
			  struct slurm_jobs *jobs)
{
	char *text = fixture(name);
	struct error err = { 0 };

	if (parse(text, jobs, &err) != SLURM_OK)
		fail_msg("%s: %s", name, err.text);
	slurm_jobs_sort(jobs);
	free(text);
}

static const struct slurm_job *find(const struct slurm_jobs *jobs, uint32_t id, uint32_t task)
{
	const struct slurm_job *job = slurm_jobs_find(jobs, id, task);

	if (!job)
		fail_msg("no record for %u_%d", (unsigned)id, task == NONE ? -1 : (int)task);
	return job;
}

/* ---- field formats ---- */

static void test_exit_codes(void **state)
{
	int code = -1, sig = -1;

	(void)state;
	assert_true(slurm_parse_exit_code("0:125", &code, &sig));
	assert_int_equal(code, 0);
	assert_int_equal(sig, 125);
	assert_true(slurm_parse_exit_code("3:0", &code, &sig));
	assert_int_equal(code, 3);
	assert_int_equal(sig, 0);
	assert_false(slurm_parse_exit_code("", &code, &sig));
	assert_false(slurm_parse_exit_code("3", &code, &sig));
	assert_false(slurm_parse_exit_code("1:2:3", &code, &sig));
	assert_false(slurm_parse_exit_code("a:0", &code, &sig));
	assert_false(slurm_parse_exit_code("256:0", &code, &sig));
	assert_int_equal(code, 3);
}

static void assert_size(const char *text, char unit, uint64_t expected)
{
	uint64_t bytes = 0;

	if (!slurm_parse_size(text, unit, &bytes))
		fail_msg("size '%s' rejected", text);
	assert_int_equal(bytes, expected);
}

static void test_sizes(void **state)
{
	static const char *bad[] = { "", "K", "1.G", "12X", "-1", "1.5.0M", "12KB", " 1K", "1K " };
	uint64_t bytes = 42;

	(void)state;
	assert_size("237568", '\0', 237568);  /* MaxRSS with --noconvert: bytes */
	assert_size("232K", '\0', 237568);
	assert_size("1.50G", '\0', 1610612736);
	assert_size("98456K", '\0', 100818944);
	assert_size("100M", 'M', 104857600);
	assert_size("50", 'M', 52428800);
	assert_size("4000Mc", 'M', 4000ull << 20);
	assert_size("2Gn", 'M', 2ull << 30);
	assert_size("0", '\0', 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (slurm_parse_size(bad[i], 'M', &bytes))
			fail_msg("size '%s' accepted", bad[i]);
	assert_int_equal(bytes, 42);
}

static void test_times(void **state)
{
	int64_t t = -1;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_true(slurm_parse_time("1795812914", &t));
	assert_int_equal(t, 1795812914);
	assert_true(slurm_parse_time("2026-11-27T20:55:14", &t));
	assert_int_equal(t, 1795812914);
	assert_true(slurm_parse_time("Unknown", &t));
	assert_int_equal(t, 0);
	assert_true(slurm_parse_time("None", &t));
	assert_false(slurm_parse_time("2026-11-27", &t));
	assert_false(slurm_parse_time("12x", &t));
}

static void test_limits_and_clocks(void **state)
{
	uint64_t s = 7;

	(void)state;
	assert_true(slurm_parse_limit_minutes("1440", &s));
	assert_int_equal(s, 86400);
	assert_true(slurm_parse_limit_minutes("UNLIMITED", &s));
	assert_int_equal(s, 0);
	assert_true(slurm_parse_limit_minutes("Partition_Limit", &s));
	assert_false(slurm_parse_limit_minutes("1:00", &s));
	assert_true(slurm_parse_clock("1-00:00:00", &s));
	assert_int_equal(s, 86400);
	assert_true(slurm_parse_clock("00:01:27", &s));
	assert_int_equal(s, 87);
	assert_true(slurm_parse_clock("05:00", &s));
	assert_int_equal(s, 300);
	assert_true(slurm_parse_clock("2-03:04:05", &s));
	assert_int_equal(s, 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
	assert_true(slurm_parse_clock("UNLIMITED", &s));
	assert_int_equal(s, 0);
	assert_false(slurm_parse_clock("1-", &s));
	assert_false(slurm_parse_clock("5", &s));
	assert_false(slurm_parse_clock("1:2:3:4", &s));
	assert_false(slurm_parse_clock("1:", &s));
}

static void assert_tasks(const char *text, const uint32_t *expected, size_t n)
{
	uint32_t *ids = NULL;
	size_t count = 0;

	if (!slurm_parse_array_tasks(text, &ids, &count))
		fail_msg("tasks '%s' rejected", text);
	assert_int_equal(count, n);
	assert_memory_equal(ids, expected, n * sizeof *ids);
	free(ids);
}

static void test_array_task_expressions(void **state)
{
	static const char *bad[] = { "", "N/A", "1,", ",1", "[1-3", "1-3]", "3-1", "1-3%",
				     "2-9%2...", "0-64,66...", "1-", "a", "0-10:0" };
	static const uint32_t seven[] = { 7 }, two_to_nine[] = { 2, 3, 4, 5, 6, 7, 8, 9 },
			      list[] = { 1, 3, 5, 6, 7 }, stepped[] = { 0, 5, 10 };
	uint32_t *ids = NULL;
	size_t n = 0;

	(void)state;
	assert_tasks("7", seven, 1);
	assert_tasks("2-9%2", two_to_nine, 8);    /* squeue's ArrayTaskID, scontrol's */
	assert_tasks("[2-9%2]", two_to_nine, 8);  /* sacct's JobID 223_[2-9%2] */
	assert_tasks("1,3,5-7", list, 5);
	assert_tasks("[1,3,5-7]", list, 5);
	assert_tasks("0-10:5", stepped, 3);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (slurm_parse_array_tasks(bad[i], &ids, &n))
			fail_msg("tasks '%s' accepted", bad[i]);
}

static void test_job_ids(void **state)
{
	uint32_t id = 9;

	(void)state;
	assert_true(slurm_parse_job_id("223", &id));
	assert_int_equal(id, 223);
	assert_false(slurm_parse_job_id("0", &id));
	assert_false(slurm_parse_job_id("4294967295", &id));
	assert_false(slurm_parse_job_id("12a", &id));
	assert_false(slurm_parse_job_id("", &id));
	assert_int_equal(id, 223);
}

/* ---- sbatch ---- */

static void test_sbatch_output(void **state)
{
	struct error err = { 0 };
	uint32_t id = 0;

	(void)state;
	assert_int_equal(slurm_parse_sbatch("223\n", &id, &err), SLURM_OK);
	assert_int_equal(id, 223);
	assert_int_equal(slurm_parse_sbatch("224;scalable-test\n", &id, &err), SLURM_OK);
	assert_int_equal(id, 224);
	assert_int_equal(slurm_parse_sbatch("Submitted batch job 228\n", &id, &err), SLURM_OK);
	assert_int_equal(id, 228);
	assert_int_equal(slurm_parse_sbatch("", &id, &err), SLURM_FAILED);
	assert_non_null(strstr(err.text, "sbatch printed no job id"));
	assert_int_equal(slurm_parse_sbatch("Submitted batch job\n", &id, &err), SLURM_FAILED);
	assert_int_equal(id, 228);
}

/* ---- squeue ---- */

/* squeue -r: one line per task, pending ones included, ended ones listed
 * with --states=all. */
static void test_squeue_fixture(void **state)
{
	struct slurm_jobs jobs = { 0 };
	const struct slurm_job *job;

	(void)state;
	parse_fixture("squeue-22.05.txt", slurm_parse_squeue, &jobs);
	assert_int_equal(jobs.count, 14);
	job = find(&jobs, 223, 5);
	assert_int_equal(job->job_id, 223);
	assert_int_equal(job->state, SLURM_STATE_PENDING);
	assert_string_equal(job->reason, "JobArrayTaskLimit");
	assert_null(job->nodes);
	assert_string_equal(job->comment, "scalable:b4fixture");
	job = find(&jobs, 223, 0);
	assert_int_equal(job->job_id, 229);
	assert_int_equal(job->state, SLURM_STATE_RUNNING);
	assert_null(job->reason);
	assert_string_equal(job->nodes, "vm");
	job = find(&jobs, 224, NONE);
	assert_int_equal(job->state, SLURM_STATE_FAILED);
	assert_string_equal(job->reason, "NonZeroExitCode");
	assert_int_equal(job->array_job_id, 0);
	assert_int_equal(job->exit_code, -1);  /* squeue 22.05 has no ExitCode field */
	assert_int_equal(find(&jobs, 227, NONE)->state, SLURM_STATE_COMPLETING);
	slurm_jobs_free(&jobs);
}

/* Without -r the pending remainder is one line, "2-9%2": expanded to the
 * same records. */
static void test_squeue_range_is_expanded(void **state)
{
	struct slurm_jobs expanded = { 0 }, compact = { 0 };

	(void)state;
	parse_fixture("squeue-22.05.txt", slurm_parse_squeue, &expanded);
	parse_fixture("squeue-compact-22.05.txt", slurm_parse_squeue, &compact);
	assert_int_equal(compact.count, expanded.count);
	for (size_t i = 0; i < compact.count; i++) {
		assert_int_equal(compact.items[i].job_id, expanded.items[i].job_id);
		assert_int_equal(compact.items[i].array_task_id, expanded.items[i].array_task_id);
		assert_int_equal(compact.items[i].state, expanded.items[i].state);
	}
	slurm_jobs_free(&expanded);
	slurm_jobs_free(&compact);
}

static void test_squeue_odd_lines(void **state)
{
	/* The first is real (a requeued job waiting for its node); a comment
	 * may hold the separator; multi-cluster output has header lines. */
	static const char text[] =
		"CLUSTER: scalable-test\n"
		"222|222|N/A|PENDING|Nodes required for job are DOWN, DRAINED or reserved for "
		"jobs in higher priority partitions||1|(null)|\n"
		"5|5|N/A|RUNNING|None|node[01-02]|0|odd|comment|\n";
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	(void)state;
	assert_int_equal(slurm_parse_squeue(text, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 2);
	assert_int_equal(jobs.items[0].restarts, 1);
	assert_null(jobs.items[0].comment);
	assert_null(jobs.items[0].nodes);
	assert_non_null(strstr(jobs.items[0].reason, "DRAINED or reserved"));
	assert_string_equal(jobs.items[1].comment, "odd|comment");
	assert_string_equal(jobs.items[1].nodes, "node[01-02]");
	slurm_jobs_free(&jobs);
}

static void expect_squeue_error(const char *text, const char *expected)
{
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	assert_int_equal(slurm_parse_squeue(text, &jobs, &err), SLURM_FAILED);
	if (!strstr(err.text, expected))
		fail_msg("'%s' does not say '%s'", err.text, expected);
	slurm_jobs_free(&jobs);
}

static void test_squeue_errors(void **state)
{
	(void)state;
	expect_squeue_error("\nx|1|N/A|RUNNING|None|vm|0|c|\n",
			    "cannot read squeue's output, line 2: bad JobID \"x\"");
	expect_squeue_error("1|1|N/A|RUNNING|None|vm\n", "line 1: bad line");
	expect_squeue_error("1|1|3-|RUNNING|None|vm|0|c|\n", "bad ArrayTaskID \"3-\"");
	expect_squeue_error("1|1|N/A|RUNNING|None|vm|x|c|\n", "bad RestartCnt");
}

/* ---- sacct ---- */

/* slurmdbd behind: an array's stale pending range still covers a task that
 * has its own record, both submitted at once. One run, not a requeue. */
static void test_sacct_stale_range_is_no_requeue(void **state)
{
	static const char text[] =
		"7_[0-3]|7|PENDING|0:0|0:0|None|None assigned|1796146127|Unknown|Unknown|0|1440|"
		"100M|\n"
		"7_1|12|COMPLETED|0:0|0:0|None|vm|1796146127|1796146345|1796146346|1|1440|100M|\n";
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	(void)state;
	assert_int_equal(slurm_parse_sacct(text, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 5);
	for (size_t i = 0; i < jobs.count; i++)
		assert_int_equal(jobs.items[i].restarts, 0);
	slurm_jobs_free(&jobs);
}

/* OOM, preemption with requeue, walltime, an array, a dead node. */
static void test_sacct_history_fixture(void **state)
{
	struct slurm_jobs jobs = { 0 };
	const struct slurm_job *job;

	(void)state;
	parse_fixture("sacct-history-22.05.txt", slurm_parse_sacct, &jobs);
	assert_int_equal(jobs.count, 13);  /* runs only: steps are folded */
	job = find(&jobs, 2, NONE);
	assert_int_equal(job->state, SLURM_STATE_OUT_OF_MEMORY);
	assert_int_equal(job->exit_code, 0);
	assert_int_equal(job->signal, 125);
	assert_int_equal(job->req_mem_bytes, 50ull << 20);
	assert_int_equal(job->time_limit_s, 86400);
	assert_int_equal(job->start_time, 1795812914);

	job = find(&jobs, 4, NONE);  /* the latest run of the preempted job */
	assert_int_equal(job->restarts, 1);
	assert_int_equal(job->state, SLURM_STATE_COMPLETED);
	assert_string_equal(job->reason, "BeginTime");
	assert_int_equal(job[-1].restarts, 0);
	assert_int_equal(job[-1].state, SLURM_STATE_PREEMPTED);
	assert_int_equal(job[-1].max_rss_bytes, 237568);  /* from 4.batch */
	assert_int_equal(job[-1].elapsed_s, 3);

	job = find(&jobs, 6, NONE);
	assert_int_equal(job->state, SLURM_STATE_TIMEOUT);
	assert_int_equal(job->signal, 15);
	assert_int_equal(job->elapsed_s, 87);
	assert_int_equal(job->time_limit_s, 60);

	assert_int_equal(find(&jobs, 7, 0)->job_id, 8);
	assert_int_equal(find(&jobs, 7, 4)->job_id, 7);  /* the last task keeps the array's id */
	assert_int_equal(find(&jobs, 7, 4)->array_job_id, 7);

	job = find(&jobs, 222, NONE);
	assert_int_equal(job->restarts, 1);
	assert_int_equal(job->state, SLURM_STATE_RUNNING);
	assert_int_equal(job->end_time, 0);
	assert_int_equal(job[-1].state, SLURM_STATE_NODE_FAIL);
	slurm_jobs_free(&jobs);
}

/* A running array with its pending remainder, a failed and a killed job,
 * one cancelled by a user. */
static void test_sacct_running_fixture(void **state)
{
	struct slurm_jobs jobs = { 0 };
	const struct slurm_job *job;

	(void)state;
	parse_fixture("sacct-running-22.05.txt", slurm_parse_sacct, &jobs);
	assert_int_equal(jobs.count, 14);
	job = find(&jobs, 223, 9);
	assert_int_equal(job->state, SLURM_STATE_PENDING);
	assert_int_equal(job->job_id, 223);
	assert_null(job->nodes);  /* "None assigned" */
	assert_int_equal(job->start_time, 0);
	assert_int_equal(find(&jobs, 223, 1)->state, SLURM_STATE_RUNNING);
	job = find(&jobs, 224, NONE);
	assert_int_equal(job->state, SLURM_STATE_FAILED);
	assert_int_equal(job->exit_code, 3);
	job = find(&jobs, 225, NONE);
	assert_int_equal(job->state, SLURM_STATE_FAILED);
	assert_int_equal(job->signal, 9);
	job = find(&jobs, 227, NONE);
	assert_int_equal(job->state, SLURM_STATE_CANCELLED);
	assert_string_equal(job->state_text, "CANCELLED by 1001");
	slurm_jobs_free(&jobs);
}

/* Steps carry the memory: the largest wins; a step's OOM shows even when
 * the job completed. */
static void test_sacct_final_fixture(void **state)
{
	struct slurm_jobs jobs = { 0 };
	const struct slurm_job *job;

	(void)state;
	parse_fixture("sacct-final-22.05.txt", slurm_parse_sacct, &jobs);
	assert_int_equal(jobs.count, 16);
	job = find(&jobs, 231, NONE);
	assert_int_equal(job->max_rss_bytes, 100818944);
	assert_false(job->step_oom);
	job = find(&jobs, 232, NONE);
	assert_int_equal(job->state, SLURM_STATE_COMPLETED);
	assert_true(job->step_oom);
	assert_int_equal(job->derived_exit_code, 0);
	for (uint32_t task = 0; task < 10; task++)
		assert_int_equal(find(&jobs, 223, task)->state, SLURM_STATE_COMPLETED);
	assert_int_equal(find(&jobs, 223, 9)->job_id, 223);
	assert_int_equal(find(&jobs, 223, 2)->start_time, 1795814189);
	slurm_jobs_free(&jobs);
}

static void test_sacct_made_up_lines(void **state)
{
	/* Records of one job printed newest first, extern and numbered steps
	 * with converted sizes, and a step whose run is not listed. */
	static const char text[] =
		"9.batch|9.batch|COMPLETED|0:0|||n1|100|100|101|1|||5K\n"
		"50_3|61|COMPLETED|0:0|0:0|None|n1|2000|2001|2002|1|UNLIMITED|1Gn|\n"
		"50_3.extern|61.extern|COMPLETED|0:0|||n1|2000|2001|2002|1|||1.50G\n"
		"50_3.0|61.0|OUT_OF_MEMORY|0:125|||n1|2001|2001|2002|1|||512M\n"
		"50_3|61|PREEMPTED|0:15|0:0|None|n2|1000|1001|1500|499|Partition_Limit|1Gn|\n";
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };
	const struct slurm_job *job;

	(void)state;
	assert_int_equal(slurm_parse_sacct(text, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 2);
	slurm_jobs_sort(&jobs);
	job = find(&jobs, 50, 3);
	assert_int_equal(job->restarts, 1);
	assert_int_equal(job->state, SLURM_STATE_COMPLETED);
	assert_int_equal(job->max_rss_bytes, 1610612736);
	assert_true(job->step_oom);
	assert_int_equal(job->time_limit_s, 0);
	assert_int_equal(job->req_mem_bytes, 1ull << 30);
	assert_int_equal(job[-1].state, SLURM_STATE_PREEMPTED);
	assert_int_equal(job[-1].restarts, 0);
	assert_string_equal(job[-1].nodes, "n2");
	slurm_jobs_free(&jobs);
}

static void test_sacct_errors(void **state)
{
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	(void)state;
	assert_int_equal(slurm_parse_sacct("5|5|COMPLETED|0:0\n", &jobs, &err), SLURM_FAILED);
	assert_non_null(strstr(err.text, "sacct's output, line 1: bad line"));
	assert_int_equal(slurm_parse_sacct("5|5|COMPLETED|0:0|0:0|None|n|1|2|3|1|1|1M||extra\n",
					   &jobs, &err), SLURM_FAILED);
	assert_int_equal(slurm_parse_sacct("5|5|COMPLETED|0-0|0:0|None|n|1|2|3|1|1|1M|\n", &jobs,
					   &err), SLURM_FAILED);
	assert_non_null(strstr(err.text, "bad ExitCode \"0-0\""));
	assert_int_equal(slurm_parse_sacct("5_x|5|COMPLETED|0:0|0:0|None|n|1|2|3|1|1|1M|\n", &jobs,
					   &err), SLURM_FAILED);
	assert_non_null(strstr(err.text, "bad JobID \"5_x\""));
	slurm_jobs_free(&jobs);
}

/* What sacct says (on stderr, exit 1) where it cannot answer; captured
 * from 22.05 with accounting disabled and with slurmdbd unreachable. */
static void test_sacct_failures(void **state)
{
	(void)state;
	assert_int_equal(slurm_sacct_failure("Slurm accounting storage is disabled\n"),
			 SLURM_NO_ACCOUNTING);
	assert_int_equal(slurm_sacct_failure(
				 "sacct: error: slurm_persist_conn_open_without_init: failed to open "
				 "persistent connection to host:127.0.0.1:16999: Connection refused\n"
				 "sacct: error: Sending PersistInit msg: Connection refused\n"
				 "sacct: error: Problem talking to the database: Connection refused\n"),
			 SLURM_ACCOUNTING_DOWN);
	assert_int_equal(slurm_sacct_failure("sacct: error: Invalid field requested: \"X\"\n"),
			 SLURM_FAILED);
	assert_int_equal(slurm_sacct_failure(NULL), SLURM_FAILED);
}

/* ---- scontrol ---- */

#define FIXTURE_UID 1001   /* the fixture's UserId=scalable-test(1001) */

static void test_scontrol_fixture(void **state)
{
	static const uint32_t array[] = { 223 }, requeued[] = { 222 };
	char *text = fixture("scontrol-22.05.txt");
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };
	const struct slurm_job *job;

	(void)state;
	assert_int_equal(slurm_parse_scontrol_jobs(text, array, 1, FIXTURE_UID, &jobs, &err), SLURM_OK);
	slurm_jobs_sort(&jobs);
	assert_int_equal(jobs.count, 10);  /* tasks 0 and 1 running, 2-9%2 pending */
	job = find(&jobs, 223, 0);
	assert_int_equal(job->job_id, 229);
	assert_int_equal(job->state, SLURM_STATE_RUNNING);
	assert_int_equal(job->elapsed_s, 4);
	assert_int_equal(job->time_limit_s, 120);
	assert_int_equal(job->req_mem_bytes, 50ull << 20);
	assert_int_equal(job->start_time, 1795814173);
	assert_string_equal(job->comment, "scalable:b4fixture");
	job = find(&jobs, 223, 8);
	assert_int_equal(job->state, SLURM_STATE_PENDING);
	assert_string_equal(job->reason, "JobArrayTaskLimit");
	assert_null(job->nodes);
	slurm_jobs_free(&jobs);

	assert_int_equal(slurm_parse_scontrol_jobs(text, requeued, 1, FIXTURE_UID, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 1);
	assert_int_equal(jobs.items[0].restarts, 1);
	assert_int_equal(jobs.items[0].req_mem_bytes, 100ull << 20);  /* MinMemoryCPU x 1 */
	assert_int_equal(jobs.items[0].time_limit_s, 86400);
	slurm_jobs_free(&jobs);

	assert_int_equal(slurm_parse_scontrol_jobs(text, NULL, 0, FIXTURE_UID, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 16);  /* every job, the remainder expanded */
	slurm_jobs_free(&jobs);
	free(text);
}

static void test_scontrol_odd_lines(void **state)
{
	static const char text[] =
		"No jobs in the system\n"
		"JobId=5 JobName=my job x UserId=me(1001) JobState=OUT_OF_MEMORY Reason=OutOfMemory "
		"Restarts=2 "
		"ExitCode=0:125 RunTime=00:00:03 TimeLimit=UNLIMITED NodeList=n1 "
		"Command=/home/u/my script.sh Comment=tag with spaces WorkDir=/home/u Power=\n"
		"JobId=6 UserId=me(1001) JobState=RUNNING ExitCode=zz\n";  /* not asked for: not read */
	static const uint32_t ids[] = { 5 };
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	(void)state;
	assert_int_equal(slurm_parse_scontrol_jobs(text, ids, 1, FIXTURE_UID, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 1);
	assert_int_equal(jobs.items[0].state, SLURM_STATE_OUT_OF_MEMORY);
	assert_int_equal(jobs.items[0].restarts, 2);
	assert_int_equal(jobs.items[0].signal, 125);
	assert_int_equal(jobs.items[0].time_limit_s, 0);
	assert_string_equal(jobs.items[0].comment, "tag with spaces");
	slurm_jobs_free(&jobs);
	assert_int_equal(slurm_parse_scontrol_jobs(text, NULL, 0, FIXTURE_UID, &jobs, &err), SLURM_FAILED);
	assert_non_null(strstr(err.text, "scontrol's output, line 3: bad ExitCode \"zz\""));
	slurm_jobs_free(&jobs);
}

/* ---- records ---- */

static void test_states(void **state)
{
	(void)state;
	assert_int_equal(slurm_state_from_text("CANCELLED by 1001"), SLURM_STATE_CANCELLED);
	assert_int_equal(slurm_state_from_text("CANCELLED+"), SLURM_STATE_CANCELLED);
	assert_int_equal(slurm_state_from_text("OUT_OF_MEMORY"), SLURM_STATE_OUT_OF_MEMORY);
	assert_int_equal(slurm_state_from_text("NODE_FAIL"), SLURM_STATE_NODE_FAIL);
	assert_int_equal(slurm_state_from_text("RUNNING"), SLURM_STATE_RUNNING);
	assert_int_equal(slurm_state_from_text("RUNNINGX"), SLURM_STATE_UNKNOWN);
	assert_int_equal(slurm_state_from_text(""), SLURM_STATE_UNKNOWN);
	assert_string_equal(slurm_state_name(SLURM_STATE_PREEMPTED), "PREEMPTED");
	assert_true(slurm_state_is_final(SLURM_STATE_TIMEOUT));
	assert_true(slurm_state_is_final(SLURM_STATE_PREEMPTED));
	assert_false(slurm_state_is_final(SLURM_STATE_COMPLETING));
	assert_false(slurm_state_is_final(SLURM_STATE_REQUEUED));
}

/* sinfo -h -N -o '%N|%P': a partition's nodes, each once; the default one
 * is marked with '*'. */
static void test_partition_nodes(void **state)
{
	static const char text[] = "vm|low*\nvm|high\nn2|low*\nn3|high\nvm|low*\n";
	struct error err = { 0 };
	char *nodes;

	(void)state;
	assert_int_equal(slurm_parse_partition_nodes(text, "low", &nodes, &err), SLURM_OK);
	assert_string_equal(nodes, "vm,n2");
	free(nodes);
	assert_int_equal(slurm_parse_partition_nodes(text, NULL, &nodes, &err), SLURM_OK);
	assert_string_equal(nodes, "vm,n2");
	free(nodes);
	assert_int_equal(slurm_parse_partition_nodes(text, "high", &nodes, &err), SLURM_OK);
	assert_string_equal(nodes, "vm,n3");
	free(nodes);
	/* "lo" is no partition here, nor a prefix match of "low" */
	assert_int_equal(slurm_parse_partition_nodes(text, "lo", &nodes, &err), SLURM_OK);
	assert_string_equal(nodes, "");
	free(nodes);
	assert_int_equal(slurm_parse_partition_nodes("", "low", &nodes, &err), SLURM_OK);
	assert_string_equal(nodes, "");
	free(nodes);
	assert_int_equal(slurm_parse_partition_nodes("vm low\n", "low", &nodes, &err),
			 SLURM_FAILED);
	assert_null(nodes);
	assert_non_null(strstr(err.text, "sinfo line 1"));
}

static void test_find_absent(void **state)
{
	struct slurm_jobs jobs = { 0 };

	(void)state;
	assert_null(slurm_jobs_find(&jobs, 1, 0));
	parse_fixture("squeue-22.05.txt", slurm_parse_squeue, &jobs);
	assert_null(slurm_jobs_find(&jobs, 223, 10));
	assert_null(slurm_jobs_find(&jobs, 223, NONE));
	assert_null(slurm_jobs_find(&jobs, 1, NONE));
	assert_null(slurm_jobs_find(&jobs, 999, 0));
	slurm_jobs_free(&jobs);
}

static void test_parse_max_array_size(void **state)
{
	(void)state;
	assert_int_equal(parse_max_array_size("Configuration data as of x\n"
					      "MaxArraySize            = 1001\n"
					      "MaxJobCount = 10000\n"), 1001);
	assert_int_equal(parse_max_array_size("MaxArraySizeX = 4\nMaxArraySize=40001"), 40001);
	assert_int_equal(parse_max_array_size("MaxJobCount = 10000\n"), 0);
	assert_int_equal(parse_max_array_size("MaxArraySize = lots\n"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_limits_and_clocks),
		cmocka_unit_test(test_array_task_expressions),
		cmocka_unit_test(test_job_ids),
		cmocka_unit_test(test_sbatch_output),
		cmocka_unit_test(test_squeue_fixture),
		cmocka_unit_test(test_squeue_range_is_expanded),
		cmocka_unit_test(test_squeue_odd_lines),
		cmocka_unit_test(test_squeue_errors),
		cmocka_unit_test(test_sacct_stale_range_is_no_requeue),
		cmocka_unit_test(test_sacct_history_fixture),
		cmocka_unit_test(test_sacct_running_fixture),
		cmocka_unit_test(test_sacct_final_fixture),
		cmocka_unit_test(test_sacct_made_up_lines),
		cmocka_unit_test(test_sacct_errors),
		cmocka_unit_test(test_sacct_failures),
		cmocka_unit_test(test_scontrol_fixture),
		cmocka_unit_test(test_scontrol_odd_lines),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_find_absent),
		cmocka_unit_test(test_partition_nodes),
		cmocka_unit_test(test_parse_max_array_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
