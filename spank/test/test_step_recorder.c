/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A step's life through the plugin's recorder, with a fake SPANK: which
 * steps are recorded, and what their start and end events say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "plugin_config.h"
#include "plugin_log.h"
#include "plugin_version.h"
#include "spank_stubs.h"
#include "step_event.h"
#include "step_recorder.h"
#include "test/tmpdir.h"

struct fixture {
	char *run_dir;
	char env_run_dir[4200];
	struct plugin_config config;
	struct step_recorder recorder;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	fx->run_dir = tmpdir_create();
	snprintf(fx->env_run_dir, sizeof(fx->env_run_dir), "SCALABLE_RUN_DIR=%s", fx->run_dir);
	plugin_config_defaults(&fx->config);
	plugin_log_set_level(PLUGIN_LOG_VERBOSE);
	fake_spank_reset();
	fake.job_id = 101;
	fake.step_id = STEP_ID_BATCH;
	fake.array_id = 100;
	fake.array_task_id = 7;
	fake.uid = getuid();
	fake.gid = getgid();
	fake.job_mem_mb = 64;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	tmpdir_remove(fx->run_dir);
	free(fx);
	return 0;
}

/* Returns line n (0-based) of the step's event file, parsed. */
static json_t *event_line(struct fixture *fx, const char *file, int n)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "events/%s", file);
	char *text = tmpdir_read(fx->run_dir, rel);
	assert_non_null(text);
	char *line = text;
	for (int i = 0; i < n; i++) {
		line = strchr(line, '\n');
		assert_non_null(line);
		line++;
	}
	json_error_t err;
	json_t *obj = json_loadb(line, strcspn(line, "\n"), 0, &err);
	free(text);
	assert_non_null(obj);
	return obj;
}

static void run_step(struct fixture *fx, const char *option_dir, const int *statuses, int n)
{
	step_recorder_begin(&fx->recorder, &fx->config, NULL, option_dir);
	for (int i = 0; i < n; i++)
		step_recorder_task_started(&fx->recorder, NULL);
	for (int i = 0; i < n; i++) {
		fake.task_exit_status = statuses[i];
		step_recorder_task_exited(&fx->recorder, NULL);
	}
	step_recorder_end(&fx->recorder);
}

static void job_without_run_dir_is_not_recorded(void **state)
{
	struct fixture *fx = *state;
	int ok = 0;
	run_step(fx, "", &ok, 1);
	assert_false(fx->recorder.active);
	assert_int_equal(tmpdir_count_lines(fx->run_dir, "events/101.batch.0.jsonl"), -1);
	assert_int_equal(fake.verbose_count, 0);
}

static void start_and_end_carry_the_contract_fields(void **state)
{
	struct fixture *fx = *state;
	fake.env[0] = fx->env_run_dir;
	fake.env[1] = "SCALABLE_TASK_ID=7";
	fake.env[2] = "SCALABLE_ATTEMPT=2";
	fake.env[3] = "SCALABLE_RUN_ID=run-x";
	fake.env[4] = "SCALABLE_TIME_LIMIT_S=600";
	fake.env[5] = "SLURMD_NODENAME=node7";
	fake.env[6] = "SLURM_RESTART_COUNT=1"; /* 22.05's S_SLURM_RESTART_COUNT says 0 here */
	int exit3 = 3 << 8;
	run_step(fx, "", &exit3, 1);
	assert_int_equal(tmpdir_count_lines(fx->run_dir, "events/101.batch.1.jsonl"), 2);

	json_t *start = event_line(fx, "101.batch.1.jsonl", 0);
	json_t *end = event_line(fx, "101.batch.1.jsonl", 1);
	const char *event, *step, *node, *run_id;
	json_int_t job, array_job, array_task, restart, task, attempt, limit, mem;
	assert_int_equal(json_unpack(start, "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
				     "event", &event, "step_id", &step, "node", &node, "run_id", &run_id,
				     "job_id", &job, "array_job_id", &array_job, "array_task_id", &array_task,
				     "restart_count", &restart, "task_id", &task, "attempt", &attempt,
				     "time_limit_s", &limit, "mem_limit_bytes", &mem), 0);
	assert_string_equal(event, "start");
	assert_string_equal(step, "batch");
	assert_string_equal(node, "node7");
	assert_string_equal(run_id, "run-x");
	assert_int_equal(job, 101);
	assert_int_equal(array_job, 100);
	assert_int_equal(array_task, 7);
	assert_int_equal(restart, 1);
	assert_int_equal(task, 7);
	assert_int_equal(attempt, 2);
	assert_int_equal(limit, 600);
	assert_int_equal(mem, 64LL * 1048576);
	assert_null(json_object_get(start, "exit_code"));

	json_int_t exit_code, signal_no;
	const char *cause;
	assert_int_equal(json_unpack(end, "{s:s, s:I, s:I, s:s}", "event", &event, "exit_code", &exit_code,
				     "signal", &signal_no, "inferred_cause", &cause), 0);
	assert_string_equal(event, "end");
	assert_int_equal(exit_code, 3);
	assert_int_equal(signal_no, 0);
	assert_string_equal(cause, "exited");
	assert_non_null(json_object_get(end, "elapsed_s"));
	assert_non_null(json_object_get(end, "max_rss_bytes"));
	assert_non_null(json_object_get(end, "oom_kill_count"));
	/* both name the plugin and AC_INIT's version (tests/cli/version.sh: the same in the .so) */
	assert_string_equal(json_string_value(json_object_get(start, "producer")),
			    "spank_scalable " PACKAGE_VERSION);
	assert_string_equal(json_string_value(json_object_get(end, "producer")),
			    "spank_scalable " PACKAGE_VERSION);
	json_decref(start);
	json_decref(end);
}

static void a_signal_outweighs_exit_codes(void **state)
{
	struct fixture *fx = *state;
	int statuses[] = { 0, 5 << 8, SIGKILL, 9 << 8 };
	run_step(fx, fx->run_dir, statuses, 4);
	json_t *end = event_line(fx, "101.batch.0.jsonl", 1);
	assert_int_equal(json_integer_value(json_object_get(end, "signal")), SIGKILL);
	assert_int_equal(json_integer_value(json_object_get(end, "exit_code")), 128 + SIGKILL);
	assert_int_equal(json_integer_value(json_object_get(end, "ntasks")), 4);
	assert_string_equal(json_string_value(json_object_get(end, "inferred_cause")), "signaled");
	json_decref(end);
}

static void task_id_from_the_array_index_and_offset(void **state)
{
	struct fixture *fx = *state;
	fake.env[0] = fx->env_run_dir;
	fake.env[1] = "SCALABLE_INDEX_OFFSET=1001";
	int ok = 0;
	run_step(fx, "", &ok, 1);
	json_t *start = event_line(fx, "101.batch.0.jsonl", 0);
	assert_int_equal(json_integer_value(json_object_get(start, "task_id")), 1001 + 7);
	json_decref(start);
}

/* Each sink gets its own timeout, within what the event's budget has left;
 * none once it is spent. */
static void sinks_share_the_event_budget(void **state)
{
	(void)state;
	assert_int_equal(sink_budget_ms(10000, 1000, 5000), 5000);
	assert_int_equal(sink_budget_ms(10000, 7000, 5000), 3000);
	assert_int_equal(sink_budget_ms(10000, 10000, 5000), 0);
	assert_int_equal(sink_budget_ms(10000, 12000, 5000), 0);
}

/* An offset the job set so that index + offset passes INT64_MAX: no task_id
 * (signed overflow before), the event still written. */
static void an_offset_past_the_range_gives_no_task_id(void **state)
{
	struct fixture *fx = *state;
	fake.env[0] = fx->env_run_dir;
	fake.env[1] = "SCALABLE_INDEX_OFFSET=9223372036854775807";
	int ok = 0;
	run_step(fx, "", &ok, 1);
	json_t *start = event_line(fx, "101.batch.0.jsonl", 0);
	assert_true(json_is_null(json_object_get(start, "task_id")));
	json_decref(start);
}

/* What the job's environment says of its node and run cannot stop its own
 * record (nor, being the same line, the admin spool's): a name that is not
 * plain is not taken (before, a byte that is not UTF-8 made the event
 * unwritable). */
static void hostile_names_from_the_job_are_not_taken(void **state)
{
	struct fixture *fx = *state;
	fake.env[0] = fx->env_run_dir;
	fake.env[1] = "SLURMD_NODENAME=n\xe9\"1\n";
	fake.env[2] = "SCALABLE_RUN_ID=run-\xff\"x";
	fake.env[3] = "SLURM_JOB_NODELIST=vm7";
	int ok = 0;
	run_step(fx, "", &ok, 1);
	json_t *start = event_line(fx, "101.batch.0.jsonl", 0);
	json_t *end = event_line(fx, "101.batch.0.jsonl", 1);
	assert_string_equal(json_string_value(json_object_get(start, "node")), "vm7");
	assert_true(json_is_null(json_object_get(start, "run_id")));
	assert_string_equal(json_string_value(json_object_get(end, "event")), "end");
	json_decref(start);
	json_decref(end);
}

/* The node a step's start names, with these two job variables, in the file
 * that node writes (one per node of a step on several). */
static const char *node_of_step(struct fixture *fx, const char *var1, const char *var2)
{
	static char node[64];
	char name[64];
	fake.env[0] = fx->env_run_dir;
	fake.env[1] = var1;
	fake.env[2] = var2;
	int ok = 0;
	run_step(fx, "", &ok, 1);
	if (fake.step_id == STEP_ID_BATCH)
		snprintf(name, sizeof name, "101.batch.0.jsonl");
	else if (fake.nnodes > 1)
		snprintf(name, sizeof name, "101.%u.0.%u.jsonl", fake.step_id, fake.node_id);
	else
		snprintf(name, sizeof name, "101.%u.0.jsonl", fake.step_id);
	char rel[80];
	snprintf(rel, sizeof rel, "events/%s", name);
	/* this run's start: the file's last line but one */
	json_t *start = event_line(fx, name, tmpdir_count_lines(fx->run_dir, rel) - 2);
	snprintf(node, sizeof node, "%s", json_string_value(json_object_get(start, "node")));
	json_decref(start);
	return node;
}

/* The batch script runs on the job's first node; the job's environment
 * lacks SLURMD_NODENAME, so the list names it. */
static void batch_node_from_the_job_list(void **state)
{
	assert_string_equal(node_of_step(*state, "SLURM_JOB_NODELIST=vm2", NULL), "vm2");
	assert_string_equal(node_of_step(*state, "SLURM_JOB_NODELIST=vm[2-3]", NULL), "vm2");
}

/* Each node of a step on several: its place in the step's list, never the
 * SLURMD_NODENAME srun inherited from the batch script (the batch node's). */
static void each_node_of_a_step_from_the_step_list(void **state)
{
	fake.step_id = 0;
	fake.nnodes = 2;
	fake.node_id = 1;
	assert_string_equal(node_of_step(*state, "SLURM_STEP_NODELIST=vm[2-3]",
					 "SLURMD_NODENAME=vm2"), "vm3");
	fake.node_id = 0;
	assert_string_equal(node_of_step(*state, "SLURM_STEP_NODELIST=vm[2-3]",
					 "SLURMD_NODENAME=vm2"), "vm2");
}

static void several_nodes_without_a_list_take_the_host_name(void **state)
{
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	fake.step_id = 0;
	fake.nnodes = 2;
	fake.node_id = 1;
	assert_string_equal(node_of_step(*state, "SLURMD_NODENAME=vm2", NULL), host);
	/* a step on one node of a job on several: its own list says */
	fake.nnodes = 1;
	fake.node_id = 0;
	assert_string_equal(node_of_step(*state, "SLURM_STEP_NODELIST=vm3",
					 "SLURM_JOB_NODELIST=vm[2-3]"), "vm3");
}

/* Both nodes of a two-node step say where they stand among the step's. */
static void node_index_and_count_recorded(void **state)
{
	struct fixture *fx = *state;
	fake.step_id = 4;
	fake.nnodes = 2;
	fake.node_id = 1;
	fake.env[0] = fx->env_run_dir;
	int ok = 0;
	run_step(fx, "", &ok, 1);
	json_t *end = event_line(fx, "101.4.0.1.jsonl", 1);
	assert_int_equal(json_integer_value(json_object_get(end, "node_index")), 1);
	assert_int_equal(json_integer_value(json_object_get(end, "node_count")), 2);
	json_decref(end);
	/* unknown (Slurm would not say): null, and the one-node file name */
	fake.nnodes = 0;
	fake.node_id = 0;
	run_step(fx, "", &ok, 1);
	json_t *start = event_line(fx, "101.4.0.jsonl", 0);
	assert_true(json_is_null(json_object_get(start, "node_index")));
	assert_true(json_is_null(json_object_get(start, "node_count")));
	json_decref(start);
}

/* SCALABLE_EVENTS_LAYOUT=2 fans the files out; anything else is layout 1,
 * so an orchestrator that does not ask keeps finding them in events/. */
static void layout_2_only_when_the_job_asks(void **state)
{
	struct fixture *fx = *state;
	int ok = 0;
	fake.env[0] = fx->env_run_dir;
	fake.env[1] = "SCALABLE_EVENTS_LAYOUT=3";
	run_step(fx, "", &ok, 1);
	assert_int_equal(tmpdir_count_lines(fx->run_dir, "events/101.batch.0.jsonl"), 2);
	fake.env[1] = "SCALABLE_EVENTS_LAYOUT=2";
	fake.job_id = 102;
	fake.array_task_id = 1234;
	run_step(fx, "", &ok, 1);
	assert_int_equal(tmpdir_count_lines(fx->run_dir, "events/100/1/102.batch.0.jsonl"), 2);
	assert_int_equal(tmpdir_count_lines(fx->run_dir, "events/102.batch.0.jsonl"), -1);
	fake.job_id = 4321;  /* not an array task */
	fake.array_id = fake.array_task_id = 0;
	run_step(fx, "", &ok, 1);
	assert_int_equal(tmpdir_count_lines(fx->run_dir, "events/job/4/4321.batch.0.jsonl"), 2);
}

static void option_wins_over_environment(void **state)
{
	struct fixture *fx = *state;
	fake.env[0] = "SCALABLE_RUN_DIR=/nonexistent/elsewhere";
	int ok = 0;
	run_step(fx, fx->run_dir, &ok, 1);
	assert_int_equal(tmpdir_count_lines(fx->run_dir, "events/101.batch.0.jsonl"), 2);
}

static void garbage_run_dir_is_logged_once_and_ignored(void **state)
{
	struct fixture *fx = *state;
	fake.env[0] = "SCALABLE_RUN_DIR=$(touch /tmp/pwned)\n";
	int ok = 0;
	run_step(fx, "", &ok, 1);
	assert_false(fx->recorder.active);
	assert_int_equal(fake.verbose_count, 1);
	assert_non_null(strstr(fake.last_verbose, "spank_scalable"));
}

static void unwritable_run_dir_is_logged_once(void **state)
{
	struct fixture *fx = *state;
	fake.env[0] = "SCALABLE_RUN_DIR=/nonexistent/run";
	int ok = 0;
	run_step(fx, "", &ok, 1); /* start and end both fail */
	assert_int_equal(fake.verbose_count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(job_without_run_dir_is_not_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(start_and_end_carry_the_contract_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(a_signal_outweighs_exit_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(task_id_from_the_array_index_and_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(batch_node_from_the_job_list, setup, teardown),
		cmocka_unit_test_setup_teardown(each_node_of_a_step_from_the_step_list, setup, teardown),
		cmocka_unit_test_setup_teardown(node_index_and_count_recorded, setup, teardown),
		cmocka_unit_test(sinks_share_the_event_budget),
		cmocka_unit_test_setup_teardown(an_offset_past_the_range_gives_no_task_id, setup,
						teardown),
		cmocka_unit_test_setup_teardown(hostile_names_from_the_job_are_not_taken, setup,
						teardown),
		cmocka_unit_test_setup_teardown(several_nodes_without_a_list_take_the_host_name, setup,
						teardown),
		cmocka_unit_test_setup_teardown(layout_2_only_when_the_job_asks, setup, teardown),
		cmocka_unit_test_setup_teardown(option_wins_over_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_run_dir_is_logged_once_and_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(unwritable_run_dir_is_logged_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
