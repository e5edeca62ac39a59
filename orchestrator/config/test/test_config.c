/* Unit tests for the config loader: good configs, defaults, and errors that
 * name file:line:column (the many bad configs are in bad_configs.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config_file.h"
#include "lib/util/exit_codes.h"
#include "testing/orch_helpers.h"
#include "scenarios/scenarios.h"
#include "test/tmpdir.h"
#include "units.h"

#define GIB (UNITS_MIB * 1024)

static struct config *load_fixture(const char *relpath)
{
	char *path = fixture_path(relpath);
	struct config *config = NULL;
	struct error err;

	if (config_load(path, &config, &err) != 0)
		fail_msg("%s did not load: %s", relpath, err.text);
	free(path);
	return config;
}

static void test_minimal_defaults(void **state)
{
	struct config *config = load_fixture("good-configs/minimal.yaml");
	const struct retry_policy *r = config->retry;

	(void)state;
	assert_string_equal(config->project, "minimal");
	assert_int_equal(config->n_targets, 1);
	assert_string_equal(config->targets[0].name, "local");
	assert_int_equal(config->targets[0].provider, PROVIDER_LOCAL);
	assert_int_equal(config->targets[0].poll_interval_s, 30);
	assert_ptr_equal(config_target(config, NULL), &config->targets[0]);
	assert_int_equal(config->n_components, 1);
	assert_int_equal(config->components[0].cpus, 1);
	assert_int_equal(config->components[0].memory_bytes, 0);
	assert_null(config->components[0].template_path);
	assert_non_null(config->components[0].template);
	assert_int_equal(scenarios_count(config->scenarios), 1);
	assert_int_equal(scenarios_param_count(config->scenarios), 0);
	/* docs/design.md's failure table. */
	assert_int_equal(r[FAILURE_TRANSIENT].max_attempts, 4);
	assert_int_equal(r[FAILURE_PREEMPTED].max_attempts, CONFIG_UNLIMITED_ATTEMPTS);
	assert_true(r[FAILURE_OOM].memory_factor > 1.0);
	assert_true(r[FAILURE_TIMEOUT].walltime_factor > 1.0);
	assert_int_equal(r[FAILURE_INPUT_ERROR].max_attempts, 1);
	assert_int_equal(r[FAILURE_DEPENDENCY_ERROR].max_attempts, 1);
	assert_int_equal(config->notify.timeout_s, 10);
	assert_null(config->notify.webhook);
	config_free(config);
}

static void test_full_targets(void **state)
{
	struct config *config = load_fixture("good-configs/full.yaml");
	const struct target *hpc = config_target(config, NULL);
	const struct target *local = config_target(config, "local");

	(void)state;
	assert_string_equal(hpc->name, "hpc");
	assert_int_equal(hpc->provider, PROVIDER_SLURM);
	assert_string_equal(hpc->partition, "batch");
	assert_string_equal(hpc->account, "climate");
	assert_string_equal(hpc->qos, "normal");
	assert_int_equal(hpc->walltime_s, 4 * 3600);
	assert_int_equal(hpc->throttle, 20);
	assert_int_equal(hpc->max_array_size, 500);
	assert_int_equal(hpc->sbatch_options.count, 2);
	assert_string_equal(hpc->sbatch_options.item[1], "--exclusive");
	assert_int_equal(hpc->poll_interval_s, 60);
	assert_true(hpc->requeue);
	assert_int_equal(local->local_concurrency, 4);
	assert_int_equal(local->local_memory_bytes, 8 * GIB);
	assert_null(config_target(config, "nowhere"));
	config_free(config);
}

static void test_full_components(void **state)
{
	struct config *config = load_fixture("good-configs/full.yaml");
	const struct component *sim = &config->components[0];
	const struct component *sum = &config->components[1];

	(void)state;
	assert_string_equal(sim->name, "simulate");
	assert_non_null(strstr(sim->template_path, "good-configs/full.sbatch.tmpl"));
	assert_string_equal(sim->command,
			    "python3 model.py --region {{ region }} --year {{ year }}");
	assert_int_equal(sim->cpus, 4);
	assert_int_equal(sim->memory_bytes, 16 * GIB);
	assert_int_equal(sim->walltime_s, 86400);
	assert_int_equal(sim->n_env, 2);
	assert_string_equal(sim->env[0].name, "OMP_NUM_THREADS");
	assert_string_equal(sim->env[0].value, "4");
	assert_string_equal(sim->env[1].value, "fast");
	assert_int_equal(sim->setup.count, 2);
	assert_string_equal(sim->setup.item[0], "module load python/3.11");
	assert_true(sim->cache);
	assert_int_equal(sim->inputs.count, 2);
	assert_int_equal(sum->memory_bytes, 500 * UNITS_MIB);
	assert_int_equal(sum->walltime_s, 0);
	config_free(config);
}

static void test_full_retry_classify_services(void **state)
{
	struct config *config = load_fixture("good-configs/full.yaml");
	const struct retry_policy *r = config->retry;

	(void)state;
	assert_int_equal(r[FAILURE_TRANSIENT].max_attempts, 5);
	assert_int_equal(r[FAILURE_TRANSIENT].backoff.initial_s, 10);
	assert_true(r[FAILURE_TRANSIENT].backoff.factor == 3.0);
	assert_int_equal(r[FAILURE_TRANSIENT].backoff.max_s, 600);
	assert_true(r[FAILURE_TRANSIENT].backoff.jitter == 0.25);
	assert_true(r[FAILURE_OOM].memory_factor == 1.5);
	assert_int_equal(r[FAILURE_OOM].memory_cap_bytes, 64 * GIB);
	assert_int_equal(r[FAILURE_TIMEOUT].walltime_cap_s, 2 * 86400);
	assert_int_equal(r[FAILURE_TIMEOUT].max_attempts, 3);  /* default kept */
	assert_int_equal(r[FAILURE_RUNTIME_ERROR].max_attempts, 2);
	assert_int_equal(config->n_rules, 3);
	assert_int_equal(config->rules[0].class, FAILURE_TRANSIENT);
	assert_int_equal(regexec(&config->rules[0].stderr_regex,
				 "curl: Connection timed out", 0, NULL, 0), 0);
	assert_int_not_equal(regexec(&config->rules[0].stderr_regex, "fine", 0, NULL, 0), 0);
	assert_true(config->rules[1].has_exit_code);
	assert_int_equal(config->rules[1].exit_code, 3);
	assert_int_equal(config->rules[2].signal, 9);
	assert_string_equal(config->rules[2].slurm_state, "OUT_OF_MEMORY");
	assert_string_equal(config->notify.webhook, "https://hooks.example.org/scalable");
	assert_int_equal(config->notify.timeout_s, 5);
	assert_string_equal(config->ai.model, "small");
	assert_string_equal(config->ai.api_key_env, "SCALABLE_AI_KEY");
	assert_int_equal(config->ai.timeout_s, 120);
	config_free(config);
}

/* The matrix is the cartesian product in key order, last key fastest. */
static void test_matrix_order(void **state)
{
	struct config *config = load_fixture("good-configs/full.yaml");
	const struct scenario_set *set = config->scenarios;
	struct scenario_value_buf buf;

	(void)state;
	assert_int_equal(scenarios_count(set), 3 * 2 * 4);
	assert_string_equal(scenarios_param_name(set, 1), "scenario");
	assert_string_equal(scenarios_value(set, 0, 0, &buf), "north");
	assert_string_equal(scenarios_value(set, 1, 2, &buf), "2040");
	assert_string_equal(scenarios_value(set, 4, 1, &buf), "high");
	assert_string_equal(scenarios_value(set, 8, 0, &buf), "south");
	assert_string_equal(scenarios_value(set, 23, 0, &buf), "east");
	assert_string_equal(scenarios_value(set, 23, 1, &buf), "high");
	assert_string_equal(scenarios_value(set, 23, 2, &buf), "2060");
	config_free(config);
}

static void test_list_range_csv(void **state)
{
	struct config *list = load_fixture("good-configs/list.yaml");
	struct config *range = load_fixture("good-configs/range.yaml");
	struct config *csv = load_fixture("good-configs/csv.yaml");
	struct scenario_value_buf buf;

	(void)state;
	/* Parameter order is the first entry's; later entries may reorder keys. */
	assert_int_equal(scenarios_count(list->scenarios), 3);
	assert_string_equal(scenarios_param_name(list->scenarios, 0), "city");
	assert_string_equal(scenarios_value(list->scenarios, 1, 0, &buf), "Rio de Janeiro");
	assert_string_equal(scenarios_value(list->scenarios, 1, 1, &buf), "2");
	assert_int_equal(scenarios_count(range->scenarios), 3);
	assert_string_equal(scenarios_value(range->scenarios, 2, 0, &buf), "90");
	assert_int_equal(scenarios_count(csv->scenarios), 3);
	assert_string_equal(scenarios_value(csv->scenarios, 1, 0, &buf), "south, coast");
	assert_string_equal(scenarios_value(csv->scenarios, 1, 1, &buf), "says \"hi\"");
	assert_string_equal(scenarios_value(csv->scenarios, 2, 1, &buf), "two\nlines");
	config_free(list);
	config_free(range);
	config_free(csv);
}

/* Errors carry file:line:column, the expectation, and exit code 2. */
static void test_error_format(void **state)
{
	char *dir = tmpdir_create();
	char *expected;
	struct error err;

	(void)state;
	expect_config_error(dir, "version: 1\nproject: p\ncomponents:\n  m:\n"
				 "    command: x\n    cpus: many\n", &err);
	assert_true(asprintf(&expected, "%s/scalable.yaml:6:11: error: 'many' is not an "
				       "integer (expected", dir) > 0);
	assert_non_null(strstr(err.text, expected));
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	free(expected);
	tmpdir_remove(dir);
}

/* A config that is not there is bad usage; one that cannot be read, an
 * I/O error. */
static void test_unreadable_config(void **state)
{
	struct config *config = NULL;
	struct error err;

	(void)state;
	assert_int_equal(config_load("/nonexistent/scalable.yaml", &config, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	assert_non_null(strstr(err.text, "no such file"));
	assert_int_equal(config_load("/", &config, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	assert_null(config);
}

/* A relative template path is taken from the config's directory. */
static void test_template_relative_to_config(void **state)
{
	char *dir = tmpdir_create();
	struct config *config;

	(void)state;
	tmpdir_write(dir, "sub/job.tmpl", "#!/bin/bash\necho {{ x }}\n");
	tmpdir_write(dir, "sub/scalable.yaml", "version: 1\nproject: p\ncomponents:\n"
			  "  m: {template: job.tmpl}\nscenarios:\n  matrix: {x: [1]}\n");
	{
		char *path;
		struct error err;

		assert_true(asprintf(&path, "%s/sub/scalable.yaml", dir) > 0);
		if (config_load(path, &config, &err) != 0)
			fail_msg("%s", err.text);
		free(path);
	}
	assert_non_null(strstr(config->components[0].template_path, "/sub/job.tmpl"));
	config_free(config);
	tmpdir_remove(dir);
}

/* Null values leave defaults; strings accept numbers as text. */
static void test_nulls_and_numbers(void **state)
{
	char *dir = tmpdir_create();
	struct config *config;

	(void)state;
	config = load_config_text(dir, "version: 1\nproject: p\ntargets:\n"
				       "  hpc: {provider: slurm, partition: 2024, walltime: ~}\n"
				       "components:\n  m: {command: x, memory: 2048}\n");
	assert_string_equal(config->targets[0].partition, "2024");
	assert_int_equal(config->targets[0].walltime_s, 0);
	assert_int_equal(config->components[0].memory_bytes, 2 * GIB);
	config_free(config);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_full_targets),
		cmocka_unit_test(test_full_components),
		cmocka_unit_test(test_full_retry_classify_services),
		cmocka_unit_test(test_matrix_order),
		cmocka_unit_test(test_list_range_csv),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_unreadable_config),
		cmocka_unit_test(test_template_relative_to_config),
		cmocka_unit_test(test_nulls_and_numbers),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
