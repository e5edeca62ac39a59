/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pack runner (scalable pack-exec) run for real: each scenario as its
 * own `bash SCRIPT` with SCALABLE_PACK_TASK, its own start and end record
 * (exit status, elapsed time, peak memory from its own rusage), in
 * sequence or parallel at once, and nothing that ended in an earlier
 * restart of the pack run again. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/jsonl_file.h"
#include "plan/pack_runner.h"
#include "scenario_record.h"
#include "test/tmpdir.h"

/* Scenario 1 exits 3; scenario 2 holds 32 MiB in a shell variable; every run leaves a line in
 * ran.log. With WAIT_FOR set, scenario 0 waits (up to 5 s) for scenario
 * 1's mark: only parallel runs let it see one. */
static const char script[] =
	"echo \"$SCALABLE_PACK_TASK\" >>\"$DIR/ran.log\"\n"
	"case $SCALABLE_PACK_TASK in\n"
	"1) touch \"$DIR/mark-1\"; [ -n \"$OOM\" ] && { echo 'oom_kill 1' >\"$OOM\"; kill -9 $$; }; exit 3 ;;\n"
	"2) x=$(head -c 33554432 /dev/zero | tr '\\0' a); [ ${#x} -gt 0 ] ;;\n"
	"0) if [ -n \"$WAIT_FOR\" ]; then for i in $(seq 50); do [ -e \"$DIR/mark-1\" ] && exit 0; sleep 0.1; done; exit 9; fi ;;\n"
	"esac\n"
	"exit 0\n";

static const struct pack_scenario scenarios[] = { { 0, 1 }, { 1, 2 }, { 2, 1 } };

struct seen {
	int starts, ends;
	int64_t exit_of[3], rss_of[3], oom_of[3];
	double elapsed_of[3];
	bool pack_end;
	int64_t ran;
};

static int count(json_t *record, void *ctx)
{
	struct seen *s = ctx;
	struct scenario_record_fields f;

	if (scenario_record_is_pack_end(record)) {
		s->pack_end = true;
		s->ran = json_integer_value(json_object_get(record, "ran"));
	}
	if (scenario_record_parse(record, &f) != 0 || f.task_id > 2)
		return 0;
	assert_string_equal(f.component, "model");
	assert_int_equal(f.array_job_id, 40);
	if (!f.end) {
		s->starts++;
		return 0;
	}
	s->ends++;
	s->exit_of[f.task_id] = f.exit_code;
	s->rss_of[f.task_id] = f.max_rss_bytes;
	s->oom_of[f.task_id] = f.oom_kill_count;
	s->elapsed_of[f.task_id] = f.elapsed_s;
	return 0;
}

static struct seen read_records(const char *dir, unsigned restart)
{
	char path[4096], r[16];
	struct seen s = { 0 };
	struct error err;

	snprintf(r, sizeof r, "%u", restart);
	assert_int_equal(scenario_record_path(path, sizeof path, dir, NULL, "40", "3", r), 0);
	assert_int_equal(jsonl_read(path, count, &s, NULL, &err), 0);
	return s;
}

static struct pack_runner_options options(const char *dir, const char *script_path)
{
	return (struct pack_runner_options){
		.run_dir = dir, .run_id = "run-p", .component = "model", .script = script_path,
		.parallel = 1, .scenarios = scenarios, .n = 3,
		.job_id = 43, .array_job_id = 40, .array_task_id = 3, .node = "n1",
	};
}

static char *setup_dir(void)
{
	char *dir = tmpdir_create();

	tmpdir_write(dir, "job.sh", script);
	tmpdir_write(dir, "events/.keep", "");
	setenv("DIR", dir, 1);
	unsetenv("WAIT_FOR");
	unsetenv("OOM");
	return dir;
}

static void test_sequence(void **state)
{
	char *dir = setup_dir(), *path, *ran;
	struct pack_runner_options o;
	struct error err;
	struct seen s;

	(void)state;
	assert_true(asprintf(&path, "%s/job.sh", dir) > 0);
	o = options(dir, path);
	assert_int_equal(pack_run(&o, &err), 3);   /* the first failure's status */
	s = read_records(dir, 0);
	assert_int_equal(s.starts, 3);
	assert_int_equal(s.ends, 3);
	assert_int_equal(s.exit_of[0], 0);
	assert_int_equal(s.exit_of[1], 3);
	assert_int_equal(s.exit_of[2], 0);
	/* each scenario's own peak, not the pack's */
	assert_true(s.rss_of[0] > 0 && s.rss_of[0] < (32 << 20));
	assert_true(s.rss_of[2] >= (32 << 20));
	assert_true(s.elapsed_of[2] >= 0);
	assert_true(s.pack_end);
	assert_int_equal(s.ran, 3);
	ran = tmpdir_read(dir, "ran.log");
	assert_string_equal(ran, "0\n1\n2\n");   /* in order, one at a time */
	free(ran);
	free(path);
	tmpdir_remove(dir);
}

/* parallel 2: scenario 0 waits for scenario 1, which only a second slot
 * runs meanwhile; in sequence it would give up (exit 9). */
static void test_parallel(void **state)
{
	char *dir = setup_dir(), *path;
	struct pack_runner_options o;
	struct error err;
	struct seen s;

	(void)state;
	setenv("WAIT_FOR", "1", 1);
	assert_true(asprintf(&path, "%s/job.sh", dir) > 0);
	o = options(dir, path);
	o.parallel = 2;
	assert_int_equal(pack_run(&o, &err), 3);
	s = read_records(dir, 0);
	assert_int_equal(s.ends, 3);
	assert_int_equal(s.exit_of[0], 0);
	unsetenv("WAIT_FOR");
	free(path);
	tmpdir_remove(dir);
}

/* Slurm requeued the pack: what ended in restart 0 (scenario 0, and 1
 * which failed and is the orchestrator's to retry) is not run again. */
static void test_restart_skips_what_ended(void **state)
{
	char *dir = setup_dir(), *path, *ran;
	struct pack_runner_options o;
	struct scenario_pack_id id = { "run-p", "model", "n1", 43, 40, 3, 0 };
	struct scenario_record end0 = { .end = true, .task_id = 0, .attempt = 1, .pid = 1,
					.elapsed_s = 1, .max_rss_bytes = 1 };
	struct scenario_record end1 = end0, start2 = { .task_id = 2, .attempt = 1, .pid = 1,
						      .elapsed_s = -1, .max_rss_bytes = -1 };
	struct error err;
	size_t len;
	char *l0, *l1, *l2, *both;
	struct seen s;

	(void)state;
	end1.task_id = 1;
	end1.attempt = 2;
	end1.exit_code = 3;
	l0 = scenario_record_line(&id, &end0, &len);
	l1 = scenario_record_line(&id, &end1, &len);
	l2 = scenario_record_line(&id, &start2, &len);   /* started, never ended */
	assert_true(asprintf(&both, "%s%s%s", l0, l1, l2) > 0);
	tmpdir_write(dir, "events/pack.40_3.0.jsonl", both);
	assert_true(asprintf(&path, "%s/job.sh", dir) > 0);
	o = options(dir, path);
	o.restart_count = 1;
	assert_int_equal(pack_run(&o, &err), 0);
	ran = tmpdir_read(dir, "ran.log");
	assert_string_equal(ran, "2\n");
	s = read_records(dir, 1);
	assert_int_equal(s.starts, 1);
	assert_int_equal(s.ran, 1);
	free(ran);
	free(both);
	free(l0);
	free(l1);
	free(l2);
	free(path);
	tmpdir_remove(dir);
}

/* The kernel killed scenario 1 for memory (its cgroup's oom_kill went up
 * while it ran, and it died of SIGKILL): its record says so, the others'
 * do not. */
static void test_oom_kill_attributed(void **state)
{
	char *dir = setup_dir(), *path, *events;
	struct pack_runner_options o;
	struct error err;
	struct seen s;

	(void)state;
	tmpdir_write(dir, "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n");
	assert_true(asprintf(&path, "%s/job.sh", dir) > 0);
	assert_true(asprintf(&events, "%s/memory.events", dir) > 0);
	setenv("OOM", events, 1);
	o = options(dir, path);
	o.memory_events = events;
	assert_int_equal(pack_run(&o, &err), 137);
	s = read_records(dir, 0);
	assert_int_equal(s.exit_of[1], 137);
	assert_int_equal(s.oom_of[0], 0);
	assert_int_equal(s.oom_of[1], 1);
	assert_int_equal(s.oom_of[2], 0);
	unsetenv("OOM");
	free(events);
	free(path);
	tmpdir_remove(dir);
}

static void test_parse(void **state)
{
	struct pack_scenario sc;

	(void)state;
	assert_int_equal(pack_scenario_parse("17:2", &sc), 0);
	assert_int_equal(sc.task_id, 17);
	assert_int_equal(sc.attempt, 2);
	assert_int_equal(pack_scenario_parse("17", &sc), -1);
	assert_int_equal(pack_scenario_parse("17:0", &sc), -1);
	assert_int_equal(pack_scenario_parse("17:2x", &sc), -1);
	assert_int_equal(pack_scenario_parse(":2", &sc), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_parallel),
		cmocka_unit_test(test_restart_skips_what_ended),
		cmocka_unit_test(test_oom_kill_attributed),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
