/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON summary of a loaded config (`validate --json`, plan.json): every
 * field of the project, scenarios, components and targets, null where a
 * value is not given, and each kind of scenario set. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config_json.h"
#include "test/tmpdir.h"
#include "testing/orch_helpers.h"

#define GIB (1024ll * 1024 * 1024)
#define MIB (1024ll * 1024)

static const char full_yaml[] =
	"version: 1\n"
	"project: energy\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"  hpc:\n"
	"    provider: slurm\n"
	"    partition: batch\n"
	"    account: climate\n"
	"    qos: normal\n"
	"    throttle: 20\n"
	"default_target: hpc\n"
	"components:\n"
	"  simulate:\n"
	"    template: job.tmpl\n"
	"    cpus: 4\n"
	"    memory: 16G\n"
	"    walltime: 1-00:00:00\n"
	"  summarise:\n"
	"    command: ./summarise {{ region }}\n"
	"    memory: 500M\n"
	"scenarios:\n"
	"  matrix:\n"
	"    region: [north, south, east]\n"
	"    year: [2030, 2040]\n";

struct fixture {
	char *dir;
	struct config *config;
	json_t *json;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	tmpdir_write(f->dir, "job.tmpl", "#!/bin/bash\n#SBATCH --mail-type=FAIL\n"
					 "echo {{ region }} {{ year }}\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	json_decref(f->json);
	config_free(f->config);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Fails with both texts unless got equals want; steals want. */
static void expect_json(const json_t *got, json_t *want)
{
	assert_non_null(got);
	assert_non_null(want);
	if (!json_equal((json_t *)got, want)) {
		char *a = json_dumps(got, JSON_SORT_KEYS), *b = json_dumps(want, JSON_SORT_KEYS);

		fail_msg("got %s\nwant %s", a, b);
	}
	json_decref(want);
}

static void the_whole_summary(void **state)
{
	struct fixture *f = *state;
	char template[4200];

	f->config = load_config_text(f->dir, full_yaml);
	f->json = config_summary_json(f->config);
	snprintf(template, sizeof template, "%s/job.tmpl", f->dir);
	expect_json(f->json, json_pack(
		"{s:s, s:{s:s, s:i, s:[s,s]}, s:[{s:s, s:s, s:n, s:i, s:I, s:I},"
		" {s:s, s:n, s:s, s:i, s:I, s:I}], s:[{s:s, s:s, s:n, s:n, s:n, s:i},"
		" {s:s, s:s, s:s, s:s, s:s, s:i}], s:s}",
		"project", "energy",
		"scenarios", "kind", "matrix", "count", 6, "parameters", "region", "year",
		"components",
		"name", "simulate", "template", template, "command", "cpus", 4,
		"memory_bytes", (json_int_t)(16 * GIB), "walltime_s", (json_int_t)86400,
		"name", "summarise", "template", "command", "./summarise {{ region }}",
		"cpus", 1, "memory_bytes", (json_int_t)(500 * MIB), "walltime_s", (json_int_t)0,
		"targets",
		"name", "here", "provider", "local", "partition", "account", "qos",
		"throttle", 0,
		"name", "hpc", "provider", "slurm", "partition", "batch", "account", "climate",
		"qos", "normal", "throttle", 20,
		"default_target", "hpc"));
}

static void the_default_target_is_named_not_numbered(void **state)
{
	struct fixture *f = *state;
	char yaml[sizeof full_yaml + 8];
	const char *at = strstr(full_yaml, "default_target: hpc");

	/* the first target as default: a wrong index would name "hpc" */
	snprintf(yaml, sizeof yaml, "%.*sdefault_target: here%s", (int)(at - full_yaml),
		 full_yaml, at + strlen("default_target: hpc"));
	f->config = load_config_text(f->dir, yaml);
	f->json = config_summary_json(f->config);
	assert_string_equal(json_string_value(json_object_get(f->json, "default_target")),
			    "here");
}

static void a_minimal_config(void **state)
{
	struct fixture *f = *state;

	f->config = load_config_text(f->dir, "version: 1\nproject: tiny\n"
					     "components: {model: {command: ./run}}\n");
	f->json = config_summary_json(f->config);
	expect_json(json_object_get(f->json, "scenarios"),
		    json_pack("{s:s, s:i, s:[]}", "kind", "single", "count", 1, "parameters"));
	assert_int_equal(json_array_size(json_object_get(f->json, "targets")), 1);
	expect_json(json_object_get(f->json, "components"),
		    json_pack("[{s:s, s:n, s:s, s:i, s:i, s:i}]", "name", "model", "template",
			      "command", "./run", "cpus", 1, "memory_bytes", 0, "walltime_s", 0));
	assert_string_equal(json_string_value(json_object_get(f->json, "default_target")),
			    json_string_value(json_object_get(
				    json_array_get(json_object_get(f->json, "targets"), 0), "name")));
}

static void a_range_summary(void **state)
{
	struct fixture *f = *state;
	json_t *json;

	f->config = load_config_text(f->dir, "version: 1\nproject: seeds\n"
					     "components:\n  model: {command: \"./run {{ seed }}\"}\n"
					     "scenarios:\n"
					     "  range: {name: seed, start: 100, stop: 90, step: -5}\n");
	json = scenarios_summary_json(f->config->scenarios);
	expect_json(json, json_pack("{s:s, s:i, s:[s]}", "kind", "range", "count", 3,
				    "parameters", "seed"));
	json_decref(json);
}

static void a_list_keeps_the_parameter_order(void **state)
{
	struct fixture *f = *state;
	json_t *json;

	f->config = load_config_text(f->dir, "version: 1\nproject: cities\n"
					     "components:\n  model: {command: \"./run {{ city }}\"}\n"
					     "scenarios:\n"
					     "  list:\n"
					     "    - {city: Oslo, weight: 1}\n"
					     "    - {weight: 2, city: Rio}\n");
	json = scenarios_summary_json(f->config->scenarios);
	expect_json(json, json_pack("{s:s, s:i, s:[s,s]}", "kind", "list", "count", 2,
				    "parameters", "city", "weight"));
	json_decref(json);
}

static void components_alone(void **state)
{
	struct fixture *f = *state;
	json_t *json;

	f->config = load_config_text(f->dir, full_yaml);
	json = components_summary_json(f->config);
	assert_true(json_is_array(json));
	assert_int_equal(json_array_size(json), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json, 1), "name")),
			    "summarise");
	assert_int_equal(json_object_size(json_array_get(json, 0)), 6);
	json_decref(json);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(the_whole_summary),
		T(the_default_target_is_named_not_numbered),
		T(a_minimal_config),
		T(a_range_summary),
		T(a_list_keeps_the_parameter_order),
		T(components_alone),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
