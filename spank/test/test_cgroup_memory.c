/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding the step's memory cgroup and reading peak, OOM kills and limit,
 * on a fake cgroup tree for v1 and v2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup_escape.h"
#include "cgroup_memory.h"
#include "test/tmpdir.h"

static const char *V1_PROC =
	"12:pids:/slurm/uid_1000/job_42/step_batch\n"
	"4:memory:/slurm/uid_1000/job_42/step_batch/task_0\n"
	"0::/\n";
static const char *V2_PROC = "0::/system.slice/slurmstepd.scope/job_42/step_3/slurm\n";

static void v1_task_path_resolves_to_the_step(void **state)
{
	(void)state;
	struct cgroup_memory_location loc;
	assert_int_equal(cgroup_memory_locate(V1_PROC, "/cg", &loc), 0);
	assert_int_equal(loc.version, 1);
	assert_string_equal(loc.dir, "/cg/memory/slurm/uid_1000/job_42/step_batch");
}

static void v2_leaf_resolves_to_the_step(void **state)
{
	(void)state;
	struct cgroup_memory_location loc;
	assert_int_equal(cgroup_memory_locate(V2_PROC, "/cg", &loc), 0);
	assert_int_equal(loc.version, 2);
	assert_string_equal(loc.dir, "/cg/system.slice/slurmstepd.scope/job_42/step_3");
}

static void outside_a_step_is_not_found(void **state)
{
	(void)state;
	struct cgroup_memory_location loc;
	assert_int_equal(cgroup_memory_locate("4:memory:/user.slice\n0::/init.scope\n", "/cg", &loc), -1);
	assert_int_equal(cgroup_memory_locate("", "/cg", &loc), -1);
	assert_int_equal(cgroup_memory_locate("garbage without colons", "/cg", &loc), -1);
	/* "memory" must be a whole controller name, not a substring */
	assert_int_equal(cgroup_memory_locate("4:memoryx:/slurm/job_1/step_0\n", "/cg", &loc), -1);
}

static void v1_counters_add_task_kills(void **state)
{
	(void)state;
	char *root = tmpdir_create();
	const char *step = "memory/slurm/uid_1000/job_42/step_batch";
	char rel[512];
	snprintf(rel, sizeof(rel), "%s/memory.max_usage_in_bytes", step);
	tmpdir_write(root, rel, "52428800\n");
	snprintf(rel, sizeof(rel), "%s/memory.limit_in_bytes", step);
	tmpdir_write(root, rel, "52428800\n");
	snprintf(rel, sizeof(rel), "%s/memory.oom_control", step);
	tmpdir_write(root, rel, "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
	snprintf(rel, sizeof(rel), "%s/task_0/memory.oom_control", step);
	tmpdir_write(root, rel, "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");

	struct cgroup_memory_location loc;
	struct cgroup_memory_sample s;
	assert_int_equal(cgroup_memory_locate(V1_PROC, root, &loc), 0);
	cgroup_memory_read(&loc, &s);
	assert_int_equal(s.peak_bytes, 52428800);
	assert_int_equal(s.limit_bytes, 52428800);
	assert_int_equal(s.oom_kill_count, 3);
	tmpdir_remove(root);
}

static void v2_counters_and_unlimited_max(void **state)
{
	(void)state;
	char *root = tmpdir_create();
	const char *step = "system.slice/slurmstepd.scope/job_42/step_3";
	char rel[512];
	snprintf(rel, sizeof(rel), "%s/memory.peak", step);
	tmpdir_write(root, rel, "1000\n");
	snprintf(rel, sizeof(rel), "%s/memory.max", step);
	tmpdir_write(root, rel, "max\n");
	snprintf(rel, sizeof(rel), "%s/memory.events", step);
	tmpdir_write(root, rel, "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n");

	struct cgroup_memory_location loc;
	struct cgroup_memory_sample s;
	assert_int_equal(cgroup_memory_locate(V2_PROC, root, &loc), 0);
	cgroup_memory_read(&loc, &s);
	assert_int_equal(s.peak_bytes, 1000);
	assert_int_equal(s.limit_bytes, -1);
	assert_int_equal(s.oom_kill_count, 1);
	tmpdir_remove(root);
}

static void missing_files_stay_unknown(void **state)
{
	(void)state;
	struct cgroup_memory_location loc = { 1, "/nonexistent/step_0" };
	struct cgroup_memory_sample s;
	cgroup_memory_read(&loc, &s);
	assert_int_equal(s.peak_bytes, -1);
	assert_int_equal(s.oom_kill_count, -1);
	assert_int_equal(s.limit_bytes, -1);
}

static void merge_keeps_maxima(void **state)
{
	(void)state;
	struct cgroup_memory_sample acc = { -1, -1, -1 };
	struct cgroup_memory_sample a = { 100, 0, 500 }, b = { 50, 2, -1 };
	cgroup_memory_merge(&acc, &a);
	cgroup_memory_merge(&acc, &b);
	assert_int_equal(acc.peak_bytes, 100);
	assert_int_equal(acc.oom_kill_count, 2);
	assert_int_equal(acc.limit_bytes, 500);
}

/* What the sampler reads while the step runs, v1: usage, peak, failcnt,
 * kills; the job's limit when the step has none. */
static void v1_now_with_the_jobs_limit(void **state)
{
	(void)state;
	char *root = tmpdir_create();
	tmpdir_write(root, "memory/slurm/uid_1/job_42/step_0/memory.usage_in_bytes", "900\n");
	tmpdir_write(root, "memory/slurm/uid_1/job_42/step_0/memory.max_usage_in_bytes", "950\n");
	tmpdir_write(root, "memory/slurm/uid_1/job_42/step_0/memory.failcnt", "3\n");
	tmpdir_write(root, "memory/slurm/uid_1/job_42/step_0/memory.limit_in_bytes",
		     "9223372036854771712\n");   /* unlimited */
	tmpdir_write(root, "memory/slurm/uid_1/job_42/step_0/memory.oom_control",
		     "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
	tmpdir_write(root, "memory/slurm/uid_1/job_42/memory.limit_in_bytes", "1000\n");
	struct cgroup_memory_location loc = { .version = 1 };
	snprintf(loc.dir, sizeof(loc.dir), "%s/memory/slurm/uid_1/job_42/step_0", root);
	struct cgroup_memory_now now;
	assert_int_equal(cgroup_memory_read_now(&loc, &now), 0);
	assert_int_equal(now.current_bytes, 900);
	assert_int_equal(now.peak_bytes, 950);
	assert_int_equal(now.limit_bytes, 1000);
	assert_int_equal(now.max_count, 3);
	assert_int_equal(now.oom_kill_count, 1);
	assert_int_equal(now.oom_count, -1);
	assert_int_equal(now.high_count, -1);
	tmpdir_remove(root);
}

/* v2: current, peak, memory.events; "max" is no limit; a cgroup gone is -1. */
static void v2_now_unlimited_and_gone(void **state)
{
	(void)state;
	char *root = tmpdir_create();
	tmpdir_write(root, "job_42/step_3/memory.current", "800\n");
	tmpdir_write(root, "job_42/step_3/memory.max", "1000\n");
	tmpdir_write(root, "job_42/step_3/memory.events",
		     "low 0\nhigh 5\nmax 7\noom 2\noom_kill 1\noom_group_kill 0\n");
	struct cgroup_memory_location loc = { .version = 2 };
	snprintf(loc.dir, sizeof(loc.dir), "%s/job_42/step_3", root);
	struct cgroup_memory_now now;
	assert_int_equal(cgroup_memory_read_now(&loc, &now), 0);
	assert_int_equal(now.current_bytes, 800);
	assert_int_equal(now.peak_bytes, -1);    /* memory.peak: kernels from 5.19 */
	assert_int_equal(now.limit_bytes, 1000);
	assert_int_equal(now.high_count, 5);
	assert_int_equal(now.max_count, 7);
	assert_int_equal(now.oom_count, 2);
	assert_int_equal(now.oom_kill_count, 1);
	tmpdir_write(root, "job_42/step_3/memory.max", "max\n");
	assert_int_equal(cgroup_memory_read_now(&loc, &now), 0);
	assert_int_equal(now.limit_bytes, -1);
	char *current = NULL;
	assert_true(asprintf(&current, "%s/job_42/step_3/memory.current", root) > 0);
	assert_int_equal(unlink(current), 0);
	assert_int_equal(cgroup_memory_read_now(&loc, &now), -1);
	free(current);
	tmpdir_remove(root);
}

/* Where the sampler goes to leave the job: above the job in v1, each
 * hierarchy by its mount name; the scope's system cgroup in v2. */
static void escape_targets(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(cgroup_escape_target("4:memory:/slurm/uid_1000/job_42/step_batch", "/cg",
					      out, sizeof(out)), 0);
	assert_string_equal(out, "/cg/memory/slurm/cgroup.procs");
	assert_int_equal(cgroup_escape_target("3:cpu,cpuacct:/slurm_n1/uid_5/job_9/step_0/task_0\n",
					      "/cg", out, sizeof(out)), 0);
	assert_string_equal(out, "/cg/cpu,cpuacct/slurm_n1/cgroup.procs");
	assert_int_equal(cgroup_escape_target("1:name=systemd:/slurm/uid_5/job_9/step_0", "/cg",
					      out, sizeof(out)), 0);
	assert_string_equal(out, "/cg/systemd/slurm/cgroup.procs");
	assert_int_equal(cgroup_escape_target("0::/system.slice/slurmstepd.scope/job_42/step_3/slurm",
					      "/cg", out, sizeof(out)), 0);
	assert_string_equal(out, "/cg/system.slice/slurmstepd.scope/system/cgroup.procs");
	/* not in a job: nothing to leave */
	assert_int_equal(cgroup_escape_target("0::/user.slice/user-0.slice", "/cg", out,
					      sizeof(out)), -1);
	assert_int_equal(cgroup_escape_target("garbage", "/cg", out, sizeof(out)), -1);
	/* nothing to move: no failure, nothing written */
	assert_int_equal(cgroup_escape_job("0::/init.scope\n4:memory:/\n", "/nonexistent"), 0);
	/* a target that does not exist is not created: one failure per hierarchy */
	char *root = tmpdir_create();
	assert_int_equal(cgroup_escape_job("4:memory:/slurm/uid_1/job_2/step_0\n"
					   "0::/slurmstepd.scope/job_2/step_0/slurm\n", root), 2);
	assert_int_equal(tmpdir_count_lines(root, "memory/slurm/cgroup.procs"), -1);
	tmpdir_remove(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v1_task_path_resolves_to_the_step),
		cmocka_unit_test(v2_leaf_resolves_to_the_step),
		cmocka_unit_test(outside_a_step_is_not_found),
		cmocka_unit_test(v1_counters_add_task_kills),
		cmocka_unit_test(v2_counters_and_unlimited_max),
		cmocka_unit_test(missing_files_stay_unknown),
		cmocka_unit_test(merge_keeps_maxima),
		cmocka_unit_test(v1_now_with_the_jobs_limit),
		cmocka_unit_test(v2_now_unlimited_and_gone),
		cmocka_unit_test(escape_targets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
