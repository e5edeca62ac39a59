/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding the step's memory cgroup and reading peak, OOM kills and limit,
 * on a fake cgroup tree for v1 and v2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
