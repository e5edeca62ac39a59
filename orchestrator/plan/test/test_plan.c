/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for plans: chunking below MaxArraySize with offsets, throttle,
 * sbatch lines, resubmission waves, plan.json, and the wave script run for
 * real through bash (offset, attempts per index, parameters, logs). */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "testing/orch_helpers.h"
#include "plan/log_paths.h"
#include "plan/plan.h"
#include "plan/plan_json.h"
#include "test/tmpdir.h"
#include "plan/wave_script.h"

static const char sweep_yaml[] =
	"version: 1\n"
	"project: sweep\n"
	"targets:\n"
	"  hpc:\n"
	"    provider: slurm\n"
	"    partition: batch\n"
	"    account: acct\n"
	"    walltime: \"02:00:00\"\n"
	"    throttle: 5\n"
	"    sbatch_options: [--constraint=fast]\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model:\n"
	"    command: echo {{ n }}\n"
	"    cpus: 2\n"
	"    memory: 3G\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 2499}\n";

struct fixture {
	char *dir;
	struct config *config;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	f->config = load_config_text(f->dir, sweep_yaml);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	config_free(f->config);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static struct plan_options options_for(const struct fixture *f, const char *target,
				       unsigned max_array_size)
{
	return (struct plan_options){
		.target = config_target(f->config, target),
		.run_dir = f->dir,
		.run_id = "run-test",
		.wave = "w001",
		.max_array_size = max_array_size,
	};
}

/* True when argv holds arg exactly. */
static bool has_arg(char *const *argv, const char *arg)
{
	for (; *argv; argv++)
		if (strcmp(*argv, arg) == 0)
			return true;
	return false;
}

static const char *env_value(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (; *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

static void test_chunks_below_max_array_size(void **state)
{
	struct fixture *f = *state;
	struct plan_options o = options_for(f, "hpc", 1001);
	struct plan *plan;
	struct error err;
	const struct plan_group *g;

	assert_int_equal(plan_initial(f->config, &o, &plan, &err), 0);
	assert_int_equal(plan->n_groups, 1);
	g = &plan->groups[0];
	assert_int_equal(g->n_tasks, 2500);
	assert_int_equal(g->n_chunks, 3);
	assert_string_equal(g->chunks[0].array, "0-1000%5");
	assert_int_equal(g->chunks[0].offset, 0);
	assert_string_equal(g->chunks[1].array, "0-1000%5");
	assert_int_equal(g->chunks[1].offset, 1001);
	assert_string_equal(g->chunks[2].array, "0-497%5");
	assert_int_equal(g->chunks[2].offset, 2002);
	assert_int_equal(g->chunks[2].first, 2002);
	assert_int_equal(g->chunks[2].count, 498);
	assert_string_equal(env_value(g->chunks[1].env, "SCALABLE_INDEX_OFFSET"), "1001");
	assert_string_equal(env_value(g->chunks[1].env, "SCALABLE_ATTEMPT"), "1");
	plan_free(plan);
}

static void test_sbatch_argv(void **state)
{
	struct fixture *f = *state;
	struct plan_options o = options_for(f, "hpc", 5000);
	struct plan *plan;
	struct error err;
	char *const *argv;
	char script[4096];

	assert_int_equal(plan_initial(f->config, &o, &plan, &err), 0);
	assert_int_equal(plan->groups[0].n_chunks, 1);
	argv = plan->groups[0].chunks[0].argv;
	snprintf(script, sizeof script, "%s/scripts/w001/model.sh", f->dir);
	assert_string_equal(argv[0], "sbatch");
	assert_true(has_arg(argv, "--parsable"));
	assert_true(has_arg(argv, "--array=0-2499%5"));
	assert_true(has_arg(argv, "--job-name=sweep.model.w001.0.run-test"));
	assert_true(has_arg(argv, "--comment=scalable:run-test:w001/model/0"));
	assert_true(has_arg(argv, "--cpus-per-task=2"));
	assert_true(has_arg(argv, "--mem=3072M"));
	assert_true(has_arg(argv, "--time=0-02:00:00"));
	assert_string_equal(env_value(plan->groups[0].chunks[0].env, "SCALABLE_TIME_LIMIT_S"),
			    "7200");
	assert_true(has_arg(argv, "--partition=batch"));
	assert_true(has_arg(argv, "--account=acct"));
	assert_true(has_arg(argv, "--no-requeue"));
	assert_true(has_arg(argv, "--export=ALL"));
	assert_true(has_arg(argv, "--constraint=fast"));
	/* the script comes last, after every option */
	for (; argv[1]; argv++)
		;
	assert_string_equal(*argv, script);
	plan_free(plan);
}

/* Each chunk's job carries its journal key: in the comment (squeue) and the
 * name (sacct, after the job left squeue), with the run id's 8-hex tag. */
static void test_chunk_tags(void **state)
{
	struct fixture *f = *state;
	struct plan_options o = options_for(f, "hpc", 1000);
	struct plan *plan;
	struct error err;
	const struct plan_group *g;

	o.run_id = "run-20261127T000000Z-sweep-0a1b2c3d";
	assert_int_equal(plan_initial(f->config, &o, &plan, &err), 0);
	g = &plan->groups[0];
	assert_true(g->n_chunks >= 2);
	assert_true(has_arg(g->chunks[1].argv, "--job-name=sweep.model.w001.1000.0a1b2c3d"));
	assert_true(has_arg(g->chunks[1].argv,
			    "--comment=scalable:run-20261127T000000Z-sweep-0a1b2c3d:w001/model/1000"));
	plan_free(plan);
}

/* A resubmission keeps array index = scenario index, whatever the attempts. */
static void test_resubmission_wave(void **state)
{
	struct fixture *f = *state;
	struct plan_options o = options_for(f, "hpc", 1001);
	const struct plan_task tasks[] = { { 21, 2 }, { 7, 2 }, { 14, 3 }, { 1003, 2 },
					   { 1001, 2 }, { 8, 2 } };
	struct plan_request req = {
		.component = &f->config->components[0],
		.resources = { .cpus = 2, .memory_bytes = 6ull << 30, .walltime_s = 60 },
		.tasks = tasks, .n_tasks = 6, .begin_delay_s = 120,
	};
	struct plan *plan;
	struct error err;
	const struct plan_group *g;

	o.wave = "w002";
	assert_int_equal(plan_wave(f->config, &o, &req, 1, &plan, &err), 0);
	g = &plan->groups[0];
	assert_int_equal(g->n_chunks, 2);
	assert_string_equal(g->chunks[0].array, "7-8,14,21%5");
	assert_null(env_value(g->chunks[0].env, "SCALABLE_ATTEMPT"));  /* they differ */
	assert_string_equal(g->chunks[1].array, "0,2%5");
	assert_int_equal(g->chunks[1].offset, 1001);
	assert_string_equal(env_value(g->chunks[1].env, "SCALABLE_ATTEMPT"), "2");
	assert_true(has_arg(g->chunks[0].argv, "--begin=now+120"));
	assert_true(has_arg(g->chunks[0].argv, "--mem=6144M"));
	assert_true(has_arg(g->chunks[0].argv, "--time=0-00:01:00"));
	assert_non_null(strstr(g->script_path, "/scripts/w002/model.sh"));
	plan_free(plan);
}

/* Layout 2: chunks of at most LOG_SLURM_CHUNK_MAX (Slurm's output of a
 * chunk shares a directory), events fanned out by the plugin, --output per
 * component and offset; layout 1 (a run.json without one) as before. */
static void test_layouts_of_chunks(void **state)
{
	struct fixture *f = *state;
	struct config *config = load_config_text(f->dir,
		"version: 1\nproject: sweep\n"
		"targets: {hpc: {provider: slurm, partition: batch, throttle: 5}}\n"
		"components:\n  model:\n    command: echo {{ n }}\n"
		"scenarios: {range: {name: n, start: 0, stop: 5999}}\n");
	struct plan_options o = options_for(f, "hpc", 100001);
	const struct plan_task tasks[] = { { 0, 1 }, { 4999, 1 }, { 5000, 2 }, { 2400, 1 } };
	struct plan_request req = {
		.component = &config->components[0], .resources = { .cpus = 1 },
		.tasks = tasks, .n_tasks = 4,
	};
	struct plan *plan;
	struct error err;
	const struct plan_group *g;
	char output[4200];

	o.target = config_target(config, "hpc");
	o.layout = RUN_LAYOUT_FANNED;
	if (plan_wave(config, &o, &req, 1, &plan, &err) != 0)
		fail_msg("%s", err.text);
	g = &plan->groups[0];
	assert_int_equal(g->n_chunks, 2);
	assert_int_equal(g->chunks[1].offset, LOG_SLURM_CHUNK_MAX);
	assert_string_equal(g->chunks[1].array, "0%5");
	assert_string_equal(env_value(g->chunks[1].env, "SCALABLE_EVENTS_LAYOUT"), "2");
	snprintf(output, sizeof output, "--output=%s/logs/slurm/model/5000/slurm-%%A_%%a.out",
		 f->dir);
	assert_true(has_arg(g->chunks[1].argv, output));
	plan_free(plan);
	o.layout = 0;
	assert_int_equal(plan_wave(config, &o, &req, 1, &plan, &err), 0);
	g = &plan->groups[0];
	assert_int_equal(g->n_chunks, 1);
	assert_null(env_value(g->chunks[0].env, "SCALABLE_EVENTS_LAYOUT"));
	snprintf(output, sizeof output, "--output=%s/logs/slurm-%%A_%%a.out", f->dir);
	assert_true(has_arg(g->chunks[0].argv, output));
	plan_free(plan);
	config_free(config);
}

static void test_wave_errors_and_names(void **state)
{
	struct fixture *f = *state;
	struct plan_options o = options_for(f, "hpc", 1001);
	const struct plan_task twice[] = { { 3, 2 }, { 3, 3 } };
	const struct plan_task beyond[] = { { 2500, 2 } };
	const struct plan_task one[] = { { 1, 2 } };
	struct plan_request req = { .component = &f->config->components[0],
				    .resources = { .cpus = 1 }, .tasks = twice, .n_tasks = 2 };
	struct plan_request two[2] = { req, req };
	struct plan *plan;
	struct error err;

	assert_int_equal(plan_wave(f->config, &o, &req, 1, &plan, &err), -1);
	assert_non_null(strstr(err.text, "twice"));
	req.tasks = beyond;
	req.n_tasks = 1;
	assert_int_equal(plan_wave(f->config, &o, &req, 1, &plan, &err), -1);
	assert_non_null(strstr(err.text, "beyond"));
	/* Two groups of one component in a wave get distinct file names. */
	two[0].tasks = two[1].tasks = one;
	two[0].n_tasks = two[1].n_tasks = 1;
	assert_int_equal(plan_wave(f->config, &o, two, 2, &plan, &err), 0);
	assert_string_equal(plan->groups[0].name, "model");
	assert_string_equal(plan->groups[1].name, "model.2");
	plan_free(plan);
	o.max_array_size = 0;
	assert_int_equal(plan_initial(f->config, &o, &plan, &err), -1);
}

/* A node_fail retry keeps off its nodes on Slurm; no list, no option. */
static void test_wave_exclude(void **state)
{
	struct fixture *f = *state;
	struct plan_options o = options_for(f, "hpc", 1001);
	const struct plan_task one[] = { { 4, 2 } };
	struct plan_request two[2] = {
		{ .component = &f->config->components[0], .resources = { .cpus = 1 },
		  .tasks = one, .n_tasks = 1, .exclude = "n1,n3" },
		{ .component = &f->config->components[0], .resources = { .cpus = 1 },
		  .tasks = one, .n_tasks = 1, .exclude = "" },
	};
	struct plan *plan;
	struct error err;

	o.wave = "w002";
	assert_int_equal(plan_wave(f->config, &o, two, 2, &plan, &err), 0);
	assert_string_equal(plan->groups[0].exclude, "n1,n3");
	assert_true(has_arg(plan->groups[0].chunks[0].argv, "--exclude=n1,n3"));
	assert_null(plan->groups[1].exclude);
	for (char **a = plan->groups[1].chunks[0].argv; *a; a++)
		assert_null(strstr(*a, "--exclude"));
	plan_free(plan);
}

static void test_local_argv(void **state)
{
	struct fixture *f = *state;
	struct plan_options o = options_for(f, "here", 1001);
	struct plan *plan;
	struct error err;

	assert_int_equal(plan_initial(f->config, &o, &plan, &err), 0);
	assert_string_equal(plan->groups[0].chunks[0].argv[0], "bash");
	assert_string_equal(plan->groups[0].chunks[0].argv[1], plan->groups[0].script_path);
	assert_null(plan->groups[0].chunks[0].argv[2]);
	assert_string_equal(plan->groups[0].chunks[0].array, "0-1000");
	plan_free(plan);
}

static void test_plan_json(void **state)
{
	struct fixture *f = *state;
	struct plan_options o = options_for(f, "hpc", 1001);
	struct plan *plan;
	struct error err;
	json_t *json, *chunk;

	assert_int_equal(plan_initial(f->config, &o, &plan, &err), 0);
	json = plan_to_json(plan);
	assert_non_null(json);
	assert_int_equal(json_integer_value(json_object_get(json, "submissions")), 3);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json, "scenarios"), "count")), 2500);
	/* added for diagnose: retry.oom as the config gives it (the built-in policy) */
	assert_true(json_real_value(json_object_get(json_object_get(json_object_get(
				json, "retry"), "oom"), "memory_factor")) == 2.0);
	assert_true(json_is_null(json_object_get(json_object_get(json_object_get(
				json, "retry"), "oom"), "memory_cap_bytes")));
	chunk = json_array_get(json_object_get(json_array_get(
				       json_object_get(json, "groups"), 0), "chunks"), 2);
	assert_string_equal(json_string_value(json_object_get(chunk, "array")), "0-497%5");
	assert_int_equal(json_integer_value(json_object_get(chunk, "first_index")), 2002);
	assert_int_equal(json_integer_value(json_object_get(chunk, "last_index")), 2499);
	assert_string_equal(json_string_value(json_array_get(json_object_get(chunk, "argv"), 0)),
			    "sbatch");
	json_decref(json);
	plan_free(plan);
}

/* A config whose parameter values are hostile, for the scripts run below. */
static const char hostile_yaml[] =
	"version: 1\n"
	"project: wave\n"
	"components:\n"
	"  model:\n"
	"    template: job.tmpl\n"
	"    command: echo param {{ text }}; pwd\n"
	"    env: {GREETING: \"hello world\"}\n"
	"    setup: [\"echo setup ran\"]\n"
	"scenarios:\n"
	"  list:\n"
	"    - {text: plain}\n"
	"    - {text: \"$(touch pwned) `touch pwned`\"}\n"
	"    - {text: \"it's; touch pwned\"}\n"
	"    - {text: \"two\\nlines\"}\n";

static const char hostile_template[] =
	"#!/bin/bash\n"
	"#SBATCH --mail-type=NONE\n"
	"# comment\n"
	"echo id $SCALABLE_TASK_ID attempt $SCALABLE_ATTEMPT run $SCALABLE_RUN_ID\n"
	"echo env \"$SCALABLE_PARAM_TEXT\" \"$GREETING\"\n"
	"{{ setup }}\n"
	"echo quoted {{ text }} raw-free {{ cpus }}\n"
	"{{ command }}\n";

/* Runs the group's script for one array task; returns its exit status. */
static int run_task(const char *script, const char *dir, unsigned array_task, size_t offset)
{
	char *command;
	int rc;

	assert_true(asprintf(&command, "cd '%s' && SLURM_ARRAY_TASK_ID=%u "
				       "SCALABLE_INDEX_OFFSET=%zu bash '%s' 2>/dev/null",
			     dir, array_task, offset, script) > 0);
	rc = system(command);
	free(command);
	return rc;
}

/* The rendered script, run as Slurm or the local target would run it,
 * finds each index's scenario and attempt and keeps hostile values text. */
static void test_wave_script_runs(void **state)
{
	struct fixture *f = *state;
	char *dir = tmpdir_create(), *run_dir, *out, *script;
	struct config *config;
	const struct plan_task tasks[] = { { 1, 3 }, { 2, 1 }, { 3, 2 } };
	struct plan_request req = { .tasks = tasks, .n_tasks = 3, .resources = { .cpus = 4 } };
	struct plan_options o = { .run_id = "run-x", .wave = "w007", .max_array_size = 2 };
	struct plan *plan;
	struct error err;
	struct stat st;

	(void)f;
	tmpdir_write(dir, "job.tmpl", hostile_template);
	config = load_config_text(dir, hostile_yaml);
	assert_true(asprintf(&run_dir, "%s/run", dir) > 0);
	o.run_dir = run_dir;
	o.target = config_target(config, NULL);
	req.component = &config->components[0];
	assert_int_equal(plan_wave(config, &o, &req, 1, &plan, &err), 0);
	assert_int_equal(plan->groups[0].n_chunks, 2);   /* {1}, {2,3} with offset 2 */
	if (plan_write_scripts(plan, &err) != 0)
		fail_msg("%s", err.text);
	script = plan->groups[0].script_path;
	out = tmpdir_read(run_dir, "scripts/w007/model.sh");
	/* #SBATCH lines stay in the header, before the prelude */
	assert_true(strstr(out, "#SBATCH --mail-type=NONE") < strstr(out, "scalable prelude"));
	free(out);

	assert_int_equal(run_task(script, dir, 1, 0), 0);
	out = tmpdir_read(run_dir, "logs/model-1.3.out");
	assert_non_null(out);
	assert_non_null(strstr(out, "id 1 attempt 3 run run-x\n"));
	assert_non_null(strstr(out, "env $(touch pwned) `touch pwned` hello world\n"));
	assert_non_null(strstr(out, "setup ran\n"));
	assert_non_null(strstr(out, "quoted $(touch pwned) `touch pwned` raw-free 4\n"));
	assert_non_null(strstr(out, "param $(touch pwned) `touch pwned`\n"));
	assert_non_null(strstr(out, dir));   /* pwd: the config's directory */
	free(out);

	assert_int_equal(run_task(script, dir, 0, 2), 0);   /* index 2 */
	out = tmpdir_read(run_dir, "logs/model-2.1.out");
	assert_non_null(out);
	assert_non_null(strstr(out, "quoted it's; touch pwned raw-free"));
	free(out);
	assert_int_equal(run_task(script, dir, 1, 2), 0);   /* index 3 */
	out = tmpdir_read(run_dir, "logs/model-3.2.out");
	assert_non_null(out);
	assert_non_null(strstr(out, "env two\nlines hello"));
	free(out);
	assert_true(stat(run_dir, &st) == 0);
	assert_false(tmpdir_read(dir, "pwned") || tmpdir_read(run_dir, "pwned"));
	/* index 0 is not in this wave: the script says so and fails */
	assert_int_not_equal(run_task(script, dir, 0, 0), 0);

	plan_free(plan);
	config_free(config);
	free(run_dir);
	tmpdir_remove(dir);
}

/* In layout 2 the script makes its log directory and writes where
 * log_task_stem says; plan_write_scripts made each chunk's --output
 * directory beforehand. */
static void test_wave_script_fans_logs_out(void **state)
{
	char *dir = tmpdir_create(), *run_dir, *out, stem[256], rel[300];
	struct config *config;
	const struct plan_task tasks[] = { { 1, 3 }, { 2, 1 } };
	struct plan_request req = { .tasks = tasks, .n_tasks = 2, .resources = { .cpus = 1 } };
	struct plan_options o = { .run_id = "run-x", .wave = "w001", .max_array_size = 2,
				  .layout = RUN_LAYOUT_FANNED };
	struct plan *plan;
	struct error err;
	struct stat st;

	(void)state;
	tmpdir_write(dir, "job.tmpl", hostile_template);
	config = load_config_text(dir, hostile_yaml);
	assert_true(asprintf(&run_dir, "%s/run", dir) > 0);
	o.run_dir = run_dir;
	o.target = config_target(config, NULL);
	req.component = &config->components[0];
	assert_int_equal(plan_wave(config, &o, &req, 1, &plan, &err), 0);
	if (plan_write_scripts(plan, &err) != 0)
		fail_msg("%s", err.text);
	snprintf(rel, sizeof rel, "%s/logs/slurm/model/2", run_dir);
	assert_int_equal(stat(rel, &st), 0);     /* the chunk at offset 2 */
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(run_task(plan->groups[0].script_path, dir, 1, 0), 0);
	assert_int_equal(log_task_stem(RUN_LAYOUT_FANNED, "model", 1, 3, stem, sizeof stem), 0);
	snprintf(rel, sizeof rel, "%s.out", stem);
	assert_non_null(out = tmpdir_read(run_dir, rel));
	assert_non_null(strstr(out, "id 1 attempt 3 run run-x\n"));
	free(out);
	assert_null(tmpdir_read(run_dir, "logs/model-1.3.out"));
	plan_free(plan);
	config_free(config);
	free(run_dir);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chunks_below_max_array_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sbatch_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunk_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resubmission_wave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layouts_of_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wave_errors_and_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wave_exclude, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_argv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wave_script_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wave_script_fans_logs_out, setup, teardown),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
