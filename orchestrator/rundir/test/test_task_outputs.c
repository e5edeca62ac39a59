/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A component's outputs for one scenario: patterns rendered (parameters,
 * built-ins, glob characters of values escaped, relative paths from the
 * config's directory), looked for with glob (at least one match per
 * pattern), the files matched listed for the cache, what is missing named. */
#include <jansson.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "rundir/task_outputs.h"
#include "testing/orch_helpers.h"
#include "test/tmpdir.h"

struct fixture {
	char *dir, *real;      /* the config's directory, and resolved */
	struct config *config;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	f->real = realpath(f->dir, NULL);
	f->config = load_config_text(f->dir,
		"version: 1\nproject: proj\n"
		"scenarios:\n  list: [{name: \"a*b\"}, {name: plain}]\n"
		"components:\n  model:\n    command: ./run\n"
		"    outputs: [\"out/{{ name }}.csv\", \"{{ run_dir }}/{{ component }}-"
		"{{ task_id }}.{{ attempt }}-*.log\"]\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	config_free(f->config);
	tmpdir_remove(f->dir);
	free(f->real);
	free(f);
	return 0;
}

static struct task_place place_of(struct fixture *f, size_t index, const char *run_dir)
{
	return (struct task_place){ f->config, &f->config->components[0], index, 2, run_dir };
}

static void test_render(void **state)
{
	struct fixture *f = *state;
	struct task_place at = place_of(f, 0, "/runs/r[1]");
	char expected[PATH_MAX + 64];
	struct error err;
	char **p = task_outputs_render(&at, &err);

	if (!p)
		fail_msg("%s", err.text);
	/* relative: from the config's directory; the value's * escaped */
	snprintf(expected, sizeof expected, "%s/out/a\\*b.csv", f->real);
	assert_string_equal(p[0], expected);
	/* absolute through run_dir, its [ escaped; the pattern's own * kept */
	assert_string_equal(p[1], "/runs/r\\[1]/model-0.2-*.log");
	task_outputs_free_patterns(p, 2);
}

static void test_check(void **state)
{
	struct fixture *f = *state;
	struct task_place at = place_of(f, 1, f->dir);
	struct output_files files;
	json_t *missing;
	struct error err;
	char text[512], expected[PATH_MAX + 64];

	(void)state;
	/* nothing written yet: both patterns missing, named */
	assert_int_equal(task_outputs_check(&at, &missing, &files, &err), 0);
	assert_int_equal(json_array_size(missing), 2);
	assert_int_equal(files.count, 0);
	task_outputs_describe(missing, text, sizeof text);
	snprintf(expected, sizeof expected, "out/{{ name }}.csv (%s/out/plain.csv), ", f->real);
	assert_non_null(strstr(text, expected));
	json_decref(missing);

	/* one written: only the other is missing */
	tmpdir_write(f->dir, "out/plain.csv", "x,y\n");
	assert_int_equal(task_outputs_check(&at, &missing, NULL, &err), 0);
	assert_int_equal(json_array_size(missing), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(missing, 0),
							      "pattern")),
			    "{{ run_dir }}/{{ component }}-{{ task_id }}.{{ attempt }}-*.log");
	json_decref(missing);

	/* the glob: two matches, both listed (sorted); another attempt's is not */
	tmpdir_write(f->dir, "model-1.2-b.log", "bb");
	tmpdir_write(f->dir, "model-1.2-a.log", "a");
	tmpdir_write(f->dir, "model-1.1-old.log", "old");
	assert_int_equal(task_outputs_check(&at, &missing, &files, &err), 0);
	assert_null(missing);
	assert_int_equal(files.count, 3);
	assert_non_null(strstr(files.file[0].path, "/model-1.2-a.log"));
	assert_int_equal(files.file[0].size, 1);
	assert_non_null(strstr(files.file[1].path, "/model-1.2-b.log"));
	assert_non_null(strstr(files.file[2].path, "/out/plain.csv"));
	assert_int_equal(files.file[2].size, 4);
	assert_true(files.file[2].mtime_ns > 0);
	assert_string_equal(files.file[2].sha256, "");
	output_files_free(&files);
}

/* A value's glob characters match only themselves. */
static void test_values_are_literal(void **state)
{
	struct fixture *f = *state;
	struct task_place at = place_of(f, 0, f->dir);
	json_t *missing;
	struct error err;

	tmpdir_write(f->dir, "model-0.2-x.log", "");
	tmpdir_write(f->dir, "out/aXb.csv", "");  /* what a* b as a glob would match */
	assert_int_equal(task_outputs_check(&at, &missing, NULL, &err), 0);
	assert_int_equal(json_array_size(missing), 1);
	json_decref(missing);
	tmpdir_write(f->dir, "out/a*b.csv", "");
	assert_int_equal(task_outputs_check(&at, &missing, NULL, &err), 0);
	assert_null(missing);
}

/* A directory matched counts as present, but only files are listed; a
 * component without outputs has nothing to look for. */
static void test_directories_and_none(void **state)
{
	struct fixture *f = *state;
	struct task_place at = place_of(f, 1, f->dir);
	struct output_files files;
	json_t *missing;
	struct error err;
	char *path;

	assert_true(asprintf(&path, "%s/out/plain.csv", f->dir) > 0);
	tmpdir_write(f->dir, "out/.keep", "");
	assert_int_equal(mkdir(path, 0755), 0);
	tmpdir_write(f->dir, "model-1.2-a.log", "a");
	assert_int_equal(task_outputs_check(&at, &missing, &files, &err), 0);
	assert_null(missing);
	assert_int_equal(files.count, 1);
	output_files_free(&files);
	free(path);

	f->config->components[0].outputs.count = 0;  /* as a component without them */
	assert_int_equal(task_outputs_check(&at, &missing, &files, &err), 0);
	assert_null(missing);
	assert_int_equal(files.count, 0);
	f->config->components[0].outputs.count = 2;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_render, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values_are_literal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directories_and_none, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
