/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cache keys pinned: a fixed component and scenario (this YAML, this
 * template, this input file) have one key, asserted literally, so a change
 * of the code that would change the key of every cached result cannot pass
 * unnoticed (test_cache.c tests what changes a key and what does not).
 *
 * If the first test here fails, the change makes every run's cache.jsonl
 * useless: every cached scenario would be computed again. Either undo it, or
 * make it on purpose: bump CACHE_KEY_VERSION, add the migration where one is
 * possible, and pin the new values (docs/run-directory.md, "Versions of the
 * digest and the cache key", says how). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rundir/cache_key.h"
#include "testing/orch_helpers.h"
#include "test/tmpdir.h"

static const char pinned_yaml[] =
	"version: 1\n"
	"project: pinned\n"
	"targets:\n"
	"  hpc: {provider: slurm, partition: batch}\n"
	"components:\n"
	"  model:\n"
	"    template: model.sbatch.tmpl\n"
	"    command: ./simulate --region {{ region }} --year {{ year }}\n"
	"    setup: [module load python/3.11]\n"
	"    env: {OMP_NUM_THREADS: \"4\"}\n"
	"    cpus: 4\n"
	"    memory: 16G\n"
	"    walltime: \"02:00:00\"\n"
	"    cache: true\n"
	"    inputs: [data/demand.csv]\n"
	"  report: {command: echo report, cache: true}\n"
	"scenarios:\n"
	"  matrix:\n"
	"    region: [north, south]\n"
	"    year: [2030, 2040]\n";

static const char pinned_template[] =
	"#!/bin/bash\n#SBATCH --job-name={{ component }}\n{{ setup }}\n{{ command }}\n";

static const char pinned_input[] = "hour,mw\n0,100\n1,120\n";

/* The key of component `component`, scenario index (3: south, 2040). */
static void key_of(const char *component, size_t index, char hex[SHA256_HEX_SIZE])
{
	char *dir = tmpdir_create();
	struct config *config;
	struct cache_key_base base;
	struct error err;
	size_t c = 0;

	tmpdir_write(dir, "model.sbatch.tmpl", pinned_template);
	tmpdir_write(dir, "data/demand.csv", pinned_input);
	config = load_config_text(dir, pinned_yaml);
	while (c < config->n_components && strcmp(config->components[c].name, component) != 0)
		c++;
	assert_true(c < config->n_components);
	if (cache_key_prepare(config, &config->components[c], &base, &err) != 0)
		fail_msg("cache_key_prepare: %s", err.text);
	cache_key_hex(&base, index, hex);
	config_free(config);
	tmpdir_remove(dir);
}

static void the_cache_key_is_pinned(void **state)
{
	char hex[SHA256_HEX_SIZE];

	(void)state;
	key_of("model", 3, hex);
	/* If this changes, bump CACHE_KEY_VERSION, add the migration where one is
	 * possible and pin the new key with the new version (docs/run-directory.md
	 * says how). */
	assert_int_equal(CACHE_KEY_VERSION, 1);
	assert_string_equal(CACHE_KEY_VERSION_TAG, "scalable-cache-key/1");
	assert_string_equal(hex,
			    "c00862e7ecfb24b6534ac5600e3a23dca89f35661823fe9a017b3a14fcbed324");
}

/* A component that names no template is keyed by the built-in template's
 * text (templates/default.sbatch.tmpl). Editing that template changes the
 * key of every such component: no version to bump (the key stays right:
 * another template, another key), but every user's cache of those
 * components is computed again, so make it only when the edit can change
 * what a task computes, and say so; then pin the new value. */
static void the_key_of_the_built_in_template_is_pinned(void **state)
{
	char hex[SHA256_HEX_SIZE];

	(void)state;
	key_of("report", 0, hex);
	assert_string_equal(hex,
			    "ae8ea0deeb9db58508aec0d055d0014958c4b30f1952dd9db5838a087cbc1858");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_cache_key_is_pinned),
		cmocka_unit_test(the_key_of_the_built_in_template_is_pinned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
