/* SPDX-License-Identifier: GPL-2.0-or-later */
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
#include "lib/util/strbuf.h"
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

/* Text of a config whose scenarios have n parameters p0..p(n-1): a matrix,
 * one list entry, or a CSV file's header (written into dir). */
static char *config_with_params(const char *dir, const char *kind, size_t n)
{
	struct strbuf text = { 0 }, csv = { 0 };

	assert_int_equal(strbuf_printf(&text, "version: 1\nproject: p\ncomponents:\n"
				       "  m: {command: x}\nscenarios:\n"), 0);
	if (strcmp(kind, "matrix") == 0)
		assert_int_equal(strbuf_puts(&text, "  matrix:\n"), 0);
	else if (strcmp(kind, "list") == 0)
		assert_int_equal(strbuf_puts(&text, "  list:\n    - {"), 0);
	else
		assert_int_equal(strbuf_puts(&text, "  csv: p.csv\n"), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(kind, "matrix") == 0)
			assert_int_equal(strbuf_printf(&text, "    p%zu: [1]\n", i), 0);
		else if (strcmp(kind, "list") == 0)
			assert_int_equal(strbuf_printf(&text, "%sp%zu: 1", i ? ", " : "", i), 0);
		else
			assert_int_equal(strbuf_printf(&csv, "%sp%zu", i ? "," : "", i), 0);
	}
	if (strcmp(kind, "list") == 0)
		assert_int_equal(strbuf_puts(&text, "}\n"), 0);
	if (strcmp(kind, "csv") == 0) {
		for (size_t i = 0; i < n; i++)   /* one row of n values */
			assert_int_equal(strbuf_puts(&csv, i ? ",1" : "\n1"), 0);
		assert_int_equal(strbuf_puts(&csv, "\n"), 0);
		tmpdir_write(dir, "p.csv", csv.text);
	}
	strbuf_free(&csv);
	return text.text;
}

/* SCENARIOS_MAX_PARAMS parameters load; one more is refused where the
 * parameters are (names are checked pairwise, and each is an environment
 * variable of every task). */
static void test_parameter_limit(void **state)
{
	static const char *const kinds[] = { "matrix", "list", "csv" };
	static const char *const where[] = { "scalable.yaml:7:5:", "scalable.yaml:7:7:",
					     "p.csv:1:" };
	char *dir = tmpdir_create(), *text, path[4200];
	struct config *config;
	struct error err;

	(void)state;
	snprintf(path, sizeof path, "%s/scalable.yaml", dir);
	for (size_t k = 0; k < 3; k++) {
		text = config_with_params(dir, kinds[k], SCENARIOS_MAX_PARAMS);
		tmpdir_write(dir, "scalable.yaml", text);
		free(text);
		if (config_load(path, &config, &err) != 0)
			fail_msg("%s of %u parameters: %s", kinds[k], SCENARIOS_MAX_PARAMS, err.text);
		assert_int_equal(scenarios_param_count(config->scenarios), SCENARIOS_MAX_PARAMS);
		config_free(config);
		text = config_with_params(dir, kinds[k], SCENARIOS_MAX_PARAMS + 1);
		expect_config_error(dir, text, &err);
		free(text);
		if (!strstr(err.text, where[k]) || !strstr(err.text, "more than 1000 parameters"))
			fail_msg("%s: %s", kinds[k], err.text);
	}
	tmpdir_remove(dir);
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
		cmocka_unit_test(test_parameter_limit),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
