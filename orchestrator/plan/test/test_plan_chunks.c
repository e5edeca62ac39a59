/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cutting a group into array chunks (test_plan.c has the common case of
 * consecutive indices and a resubmission wave): every submitted index below
 * MaxArraySize whatever the indices and the size, empty blocks skipped, the
 * %throttle, and each chunk's argv, env and tasks file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan/plan.h"
#include "test/tmpdir.h"
#include "testing/orch_helpers.h"

static const char yaml[] =
	"version: 1\n"
	"project: chunks\n"
	"targets:\n"
	"  open: {provider: slurm}\n"
	"  throttled: {provider: slurm, throttle: 3, walltime: \"00:10:00\"}\n"
	"components:\n"
	"  model: {command: \"echo {{ n }}\"}\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 9999}\n";

struct fixture {
	char *dir;
	struct config *config;
	struct plan *plan;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	f->config = load_config_text(f->dir, yaml);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	plan_free(f->plan);
	config_free(f->config);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Plans indices (sorted or not; attempt 1) of model on target, as wave w002. */
static const struct plan_group *plan(struct fixture *f, const char *target, unsigned max,
				     const size_t *indices, size_t n)
{
	struct plan_task *tasks = calloc(n ? n : 1, sizeof *tasks);
	struct plan_options o = { .target = config_target(f->config, target),
				  .run_dir = f->dir, .run_id = "run-x", .wave = "w002",
				  .max_array_size = max };
	struct plan_request r = { .component = &f->config->components[0], .tasks = tasks,
				  .n_tasks = n, .resources = { .cpus = 1 } };
	struct error err;

	for (size_t i = 0; i < n; i++)
		tasks[i] = (struct plan_task){ indices[i], 1 };
	plan_free(f->plan);
	f->plan = NULL;
	if (plan_wave(f->config, &o, &r, 1, &f->plan, &err) != 0)
		fail_msg("%s", err.text);
	free(tasks);
	return &f->plan->groups[0];
}

static const char *env_value(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (; *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

static const char *arg_value(char *const *argv, const char *option)
{
	size_t len = strlen(option);

	for (; *argv; argv++)
		if (strncmp(*argv, option, len) == 0)
			return *argv + len;
	return NULL;
}

/* Expands an --array value ("0-2,7%3") into ids[]; returns how many. */
static size_t expand(const char *spec, size_t *ids, size_t cap)
{
	size_t n = 0;
	const char *p = spec;

	while (*p && *p != '%') {
		char *end;
		size_t lo = strtoul(p, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		assert_true(end > p && hi >= lo);
		for (size_t i = lo; i <= hi; i++) {
			assert_true(n < cap);
			ids[n++] = i;
		}
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* What every chunking must hold: the chunks cover the tasks in order, one
 * per aligned block, and each --array lists exactly its indices - offset,
 * all below max. */
static void check_chunking(const struct plan_group *g, size_t max)
{
	size_t next = 0, ids[64];

	for (size_t c = 0; c < g->n_chunks; c++) {
		const struct plan_chunk *ch = &g->chunks[c];
		size_t n = expand(ch->array, ids, 64);

		assert_int_equal(ch->first, next);
		assert_true(ch->count > 0);
		assert_int_equal(ch->offset % max, 0);
		assert_int_equal(n, ch->count);
		for (size_t i = 0; i < n; i++) {
			assert_true(ids[i] < max);
			assert_int_equal(ids[i] + ch->offset, g->tasks[ch->first + i].index);
		}
		if (c > 0)
			assert_true(ch->offset > g->chunks[c - 1].offset);
		next += ch->count;
	}
	assert_int_equal(next, g->n_tasks);
}

static void a_max_of_one_is_one_chunk_per_index(void **state)
{
	const size_t indices[] = { 5, 0, 2, 1 };
	const struct plan_group *g = plan(*state, "open", 1, indices, 4);

	assert_int_equal(g->n_chunks, 4);
	check_chunking(g, 1);
	for (size_t c = 0; c < 4; c++)
		assert_string_equal(g->chunks[c].array, "0");
	assert_int_equal(g->chunks[3].offset, 5);
	assert_string_equal(env_value(g->chunks[3].env, "SCALABLE_INDEX_OFFSET"), "5");
}

static void empty_blocks_are_skipped(void **state)
{
	const size_t indices[] = { 9999, 5, 1000, 999, 4321 };
	const struct plan_group *g = plan(*state, "open", 1000, indices, 5);
	static const char *const arrays[] = { "5,999", "0", "321", "999" };
	static const size_t offsets[] = { 0, 1000, 4000, 9000 };

	assert_int_equal(g->n_chunks, 4);
	check_chunking(g, 1000);
	for (size_t c = 0; c < 4; c++) {
		assert_string_equal(g->chunks[c].array, arrays[c]);
		assert_int_equal(g->chunks[c].offset, offsets[c]);
	}
}

static void the_last_index_of_a_block_stays_in_it(void **state)
{
	const size_t indices[] = { 1000, 1001, 1002, 2001, 2002 };
	const struct plan_group *g = plan(*state, "open", 1001, indices, 5);

	assert_int_equal(g->n_chunks, 3);
	check_chunking(g, 1001);
	assert_string_equal(g->chunks[0].array, "1000");
	assert_string_equal(g->chunks[1].array, "0-1,1000");
	assert_int_equal(g->chunks[1].offset, 1001);
	assert_string_equal(g->chunks[2].array, "0");  /* 2002 = 2 * 1001: a new block */
	assert_int_equal(g->chunks[2].offset, 2002);
}

static void chunking_holds_for_any_size(void **state)
{
	static const unsigned sizes[] = { 1, 2, 3, 7, 64, 1001, 10000, 4000000 };
	size_t indices[40];
	uint32_t x = 12345;

	for (size_t i = 0; i < 40; i++) {  /* fixed pseudo-random, distinct indices */
		x = x * 1103515245u + 12345u;
		indices[i] = i * 250 + (x >> 16) % 250;
	}
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		const struct plan_group *g = plan(*state, "throttled", sizes[s], indices, 40);

		check_chunking(g, sizes[s]);
		for (size_t c = 0; c < g->n_chunks; c++)
			assert_non_null(strstr(g->chunks[c].array, "%3"));
	}
}

static void the_throttle_ends_every_array(void **state)
{
	struct fixture *f = *state;
	const size_t indices[] = { 3, 4, 1500 };
	const struct plan_group *g = plan(f, "throttled", 1000, indices, 3);

	assert_string_equal(g->chunks[0].array, "3-4%3");
	assert_string_equal(g->chunks[1].array, "500%3");
	g = plan(f, "open", 1000, indices, 3);
	assert_string_equal(g->chunks[0].array, "3-4");
	assert_string_equal(g->chunks[1].array, "500");
}

static void an_empty_group_has_no_chunks(void **state)
{
	const struct plan_group *g = plan(*state, "open", 1001, NULL, 0);

	assert_int_equal(g->n_chunks, 0);
	assert_non_null(g->chunks);
}

static void the_argv_submits_the_chunk(void **state)
{
	struct fixture *f = *state;
	const size_t indices[] = { 7, 2500 };
	const struct plan_group *g = plan(f, "open", 1000, indices, 2);
	char output[4200];
	char *const *argv = g->chunks[1].argv;
	size_t n = 0;

	snprintf(output, sizeof output, "%s/logs/slurm-%%A_%%a.out", f->dir);
	assert_string_equal(argv[0], "sbatch");
	assert_string_equal(arg_value(argv, "--array="), "500");
	assert_string_equal(arg_value(argv, "--output="), output);
	assert_non_null(strstr(arg_value(argv, "--comment="), "run-x"));
	assert_null(arg_value(argv, "--time="));  /* no walltime anywhere */
	while (argv[n])
		n++;
	assert_string_equal(argv[n - 1], g->script_path);  /* the script comes last */
	assert_string_equal(arg_value(g->chunks[0].argv, "--array="), "7");
	assert_string_not_equal(arg_value(g->chunks[0].argv, "--job-name="),
				arg_value(argv, "--job-name="));
}

static void the_env_and_tasks_file_of_a_chunk(void **state)
{
	struct fixture *f = *state;
	const size_t indices[] = { 2500 };
	const struct plan_group *g = plan(f, "open", 1000, indices, 1);
	char path[4200];

	assert_string_equal(env_value(g->chunks[0].env, "SCALABLE_RUN_DIR"), f->dir);
	assert_string_equal(env_value(g->chunks[0].env, "SCALABLE_RUN_ID"), "run-x");
	assert_string_equal(env_value(g->chunks[0].env, "SCALABLE_COMPONENT"), "model");
	assert_string_equal(env_value(g->chunks[0].env, "SCALABLE_INDEX_OFFSET"), "2000");
	assert_null(env_value(g->chunks[0].env, "SCALABLE_TIME_LIMIT_S"));
	snprintf(path, sizeof path, "%s/scripts/w002/model.2000.tasks", f->dir);
	assert_string_equal(g->chunks[0].tasks_path, path);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(a_max_of_one_is_one_chunk_per_index),
		T(empty_blocks_are_skipped),
		T(the_last_index_of_a_block_stays_in_it),
		T(chunking_holds_for_any_size),
		T(the_throttle_ends_every_array),
		T(an_empty_group_has_no_chunks),
		T(the_argv_submits_the_chunk),
		T(the_env_and_tasks_file_of_a_chunk),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
