/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the task line the local executor hands a task
 * (wave_task_env): its text, and the prelude taking it only when it names
 * the same run, wave, group and index, run for real through bash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testing/orch_helpers.h"
#include "lib/util/string_vec.h"
#include "plan/plan.h"
#include "plan/wave_script.h"
#include "test/tmpdir.h"

static const char yaml[] =
	"version: 1\n"
	"project: lines\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model:\n"
	"    command: \"echo text=$SCALABLE_PARAM_TEXT line=${SCALABLE_TASK_LINE-unset}\"\n"
	"scenarios:\n"
	"  list:\n"
	"    - {text: plain}\n"
	"    - {text: \"it's $(two) words\"}\n";

struct fixture {
	char *dir, *run_dir;
	struct config *config;
	struct plan *plan;
	char **env;   /* wave_task_env of the only chunk */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const struct plan_task tasks[] = { { 0, 1 }, { 1, 2 } };
	struct plan_request req = { .tasks = tasks, .n_tasks = 2, .resources = { .cpus = 1 } };
	struct plan_options o = { .run_id = "run-t", .wave = "w003", .max_array_size = 10 };
	struct error err;

	f->dir = tmpdir_create();
	f->config = load_config_text(f->dir, yaml);
	assert_true(asprintf(&f->run_dir, "%s/run", f->dir) > 0);
	o.run_dir = f->run_dir;
	o.target = config_target(f->config, NULL);
	req.component = &f->config->components[0];
	assert_int_equal(plan_wave(f->config, &o, &req, 1, &f->plan, &err), 0);
	if (plan_write_scripts(f->plan, &err) != 0)
		fail_msg("%s", err.text);
	f->env = wave_task_env(f->plan, &f->plan->groups[0], &f->plan->groups[0].chunks[0]);
	assert_non_null(f->env);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	string_vec_free(f->env);
	plan_free(f->plan);
	config_free(f->config);
	tmpdir_remove(f->dir);
	free(f->run_dir);
	free(f);
	return 0;
}

/* Runs the script for array task `index` with `handed` (NAME=VALUE or
 * NULL) in its environment; returns its exit status. */
static int run_task(const struct fixture *f, unsigned index, const char *handed)
{
	const char *value = handed ? strchr(handed, '=') : NULL;
	char *command;
	int rc;

	if (value)
		assert_int_equal(setenv(WAVE_TASK_LINE_ENV, value + 1, 1), 0);
	else
		unsetenv(WAVE_TASK_LINE_ENV);
	assert_true(asprintf(&command, "cd '%s' && SLURM_ARRAY_TASK_ID=%u bash '%s' 2>/dev/null",
			     f->dir, index, f->plan->groups[0].script_path) > 0);
	rc = system(command);
	unsetenv(WAVE_TASK_LINE_ENV);
	free(command);
	return rc;
}

/* One entry per task, in order, each the run, wave, group and its line. */
static void test_entries(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(f->env[0], WAVE_TASK_LINE_ENV "=run-t/w003/model/0 "
			    "SCALABLE_ATTEMPT=1 SCALABLE_PARAM_TEXT=plain");
	assert_non_null(strstr(f->env[1], WAVE_TASK_LINE_ENV "=run-t/w003/model/1 "
				"SCALABLE_ATTEMPT=2 SCALABLE_PARAM_TEXT="));
	assert_null(f->env[2]);
}

/* The handed line is used (the tasks file is gone), and unset before the
 * command runs. */
static void test_prelude_takes_the_handed_line(void **state)
{
	struct fixture *f = *state;
	char *out;

	assert_int_equal(unlink(f->plan->groups[0].chunks[0].tasks_path), 0);
	assert_int_equal(run_task(f, 1, f->env[1]), 0);
	out = tmpdir_read(f->run_dir, "logs/model-1.2.out");
	assert_non_null(out);
	assert_string_equal(out, "text=it's $(two) words line=unset\n");
	free(out);
}

/* A line naming another index, wave or run is not this task's: the prelude
 * reads the tasks file instead. */
static void test_prelude_ignores_another_tasks_line(void **state)
{
	struct fixture *f = *state;
	const char *others[] = {
		WAVE_TASK_LINE_ENV "=run-t/w003/model/0 SCALABLE_ATTEMPT=9 SCALABLE_PARAM_TEXT=x",
		WAVE_TASK_LINE_ENV "=run-t/w002/model/1 SCALABLE_ATTEMPT=9 SCALABLE_PARAM_TEXT=x",
		WAVE_TASK_LINE_ENV "=run-u/w003/model/1 SCALABLE_ATTEMPT=9 SCALABLE_PARAM_TEXT=x",
		WAVE_TASK_LINE_ENV "=run-t/w003/model/1",
	};
	char *out;

	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		assert_int_equal(run_task(f, 1, others[i]), 0);
		out = tmpdir_read(f->run_dir, "logs/model-1.2.out");
		assert_non_null(out);
		assert_string_equal(out, "text=it's $(two) words line=unset\n");
		free(out);
	}
	assert_null(tmpdir_read(f->run_dir, "logs/model-1.9.out"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prelude_takes_the_handed_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prelude_ignores_another_tasks_line, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("wave_task_env", tests, NULL, NULL);
}
