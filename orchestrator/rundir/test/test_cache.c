/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Content keys and cache.jsonl: the same inputs give the same key, any
 * change that can change results gives another, changes that cannot leave
 * it; cache.jsonl is written once per record across a re-attach, and the
 * lookup across runs finds what earlier runs stored, past a torn last line,
 * for 100,000 keys. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "rundir/cache_key.h"
#include "rundir/cache_log.h"
#include "lib/util/exit_codes.h"
#include "lib/util/jsonl_file.h"
#include "testing/orch_helpers.h"
#include "test/tmpdir.h"

static const char base_yaml[] =
	"version: 1\n"
	"project: energy\n"
	"targets:\n"
	"  hpc: {provider: slurm, partition: batch}\n"
	"components:\n"
	"  model:\n"
	"    template: model.tmpl\n"
	"    command: ./simulate --year {{ year }}\n"
	"    setup: [module load python]\n"
	"    env: {OMP_PROC_BIND: close}\n"
	"    cpus: 4\n"
	"    memory: 8G\n"
	"    walltime: \"02:00:00\"\n"
	"    cache: true\n"
	"    inputs: [data/demand.csv]\n"
	"  report: {command: echo report, cache: true}\n"
	"scenarios:\n"
	"  matrix: {region: [north, south], year: [2030, 2040]}\n";

static const char base_template[] =
	"#!/bin/bash\n#SBATCH --mem={{ memory }}\n{{ setup }}\n{{ command }}\n";

struct fixture {
	char *dir;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	tmpdir_write(f->dir, "model.tmpl", base_template);
	tmpdir_write(f->dir, "data/demand.csv", "hour,mw\n0,100\n");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Replaces the first occurrence of from in text (malloc'd). */
static char *edited(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	assert_non_null(at);
	assert_true(asprintf(&out, "%.*s%s%s", (int)(at - text), text, to,
			     at + strlen(from)) > 0);
	return out;
}

/* The key of scenario index of component c under yaml. */
static void key_of(struct fixture *f, const char *yaml, size_t c, size_t index,
		   char hex[SHA256_HEX_SIZE])
{
	struct config *config = load_config_text(f->dir, yaml);
	struct cache_key_base base;
	struct error err;

	if (cache_key_prepare(config, &config->components[c], &base, &err) != 0)
		fail_msg("%s", err.text);
	cache_key_hex(&base, index, hex);
	config_free(config);
}

/* The key of model's scenario 0 under base_yaml with one edit. */
static void key_with(struct fixture *f, const char *from, const char *to,
		     char hex[SHA256_HEX_SIZE])
{
	char *yaml = edited(base_yaml, from, to);

	key_of(f, yaml, 0, 0, hex);
	free(yaml);
}

static void test_key_is_stable(void **state)
{
	struct fixture *f = *state;
	char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE], c[SHA256_HEX_SIZE];

	key_of(f, base_yaml, 0, 0, a);
	key_of(f, base_yaml, 0, 0, b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);
	for (size_t i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	key_of(f, base_yaml, 0, 1, c);   /* another year */
	assert_string_not_equal(a, c);
	key_of(f, base_yaml, 1, 0, c);   /* another component */
	assert_string_not_equal(a, c);
}

/* Every edit here can change what the scenario computes. */
static void test_relevant_changes_change_the_key(void **state)
{
	static const char *const edits[][2] = {
		{ "--year {{ year }}", "--year={{ year }}" },          /* command */
		{ "module load python", "module load python/3.12" },  /* setup */
		{ "[module load python]", "[module load, python]" },  /* setup lines */
		{ "close", "spread" },                                /* env value */
		{ "OMP_PROC_BIND", "OMP_PLACES" },                    /* env name */
		{ "cpus: 4", "cpus: 8" },
		{ "project: energy", "project: energy2" },
		{ "  model:\n", "  model2:\n" },                      /* component */
		{ "north, south", "east, south" },                    /* parameter value */
		{ "region:", "zone:" },                               /* parameter name */
		{ "[data/demand.csv]", "[data/../data/demand.csv]" }, /* input as declared */
	};
	struct fixture *f = *state;
	char base[SHA256_HEX_SIZE], key[SHA256_HEX_SIZE];

	key_of(f, base_yaml, 0, 0, base);
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		key_with(f, edits[i][0], edits[i][1], key);
		if (strcmp(key, base) == 0)
			fail_msg("editing '%s' into '%s' left the key", edits[i][0], edits[i][1]);
	}
}

/* The template's text and the input files' bytes count. */
static void test_template_and_inputs_change_the_key(void **state)
{
	struct fixture *f = *state;
	char base[SHA256_HEX_SIZE], key[SHA256_HEX_SIZE];

	key_of(f, base_yaml, 0, 0, base);
	tmpdir_write(f->dir, "model.tmpl", "#!/bin/bash\n{{ setup }}\n{{ command }} --fast\n");
	key_of(f, base_yaml, 0, 0, key);
	assert_string_not_equal(key, base);
	tmpdir_write(f->dir, "model.tmpl", base_template);
	tmpdir_write(f->dir, "data/demand.csv", "hour,mw\n0,101\n");
	key_of(f, base_yaml, 0, 0, key);
	assert_string_not_equal(key, base);
	tmpdir_write(f->dir, "data/demand.csv", "hour,mw\n0,100\n");
	key_of(f, base_yaml, 0, 0, key);
	assert_string_equal(key, base);
}

/* None of these change what a scenario computes. */
static void test_irrelevant_changes_keep_the_key(void **state)
{
	static const char *const edits[][2] = {
		{ "memory: 8G", "memory: 16G" },
		{ "walltime: \"02:00:00\"", "walltime: \"08:00:00\"" },
		{ "partition: batch", "partition: long" },
		{ "echo report", "echo summary" },                 /* another component */
		{ "version: 1\n", "version: 1\n# a comment\n" },
		{ "scenarios:\n", "retry:\n  oom: {max_attempts: 5}\nscenarios:\n" },
		{ "cache: true\n    inputs", "cache: true   # yes\n    inputs" },
	};
	struct fixture *f = *state;
	char base[SHA256_HEX_SIZE], key[SHA256_HEX_SIZE];

	key_of(f, base_yaml, 0, 0, base);
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		key_with(f, edits[i][0], edits[i][1], key);
		if (strcmp(key, base) != 0)
			fail_msg("editing '%s' into '%s' changed the key", edits[i][0],
				 edits[i][1]);
	}
}

/* The same scenario values under another index keep their key. */
static void test_key_follows_values_not_indices(void **state)
{
	struct fixture *f = *state;
	char *yaml = edited(base_yaml, "[north, south]", "[south]");
	char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE];

	key_of(f, base_yaml, 0, 2, a);   /* south, 2030 */
	key_of(f, yaml, 0, 0, b);        /* south, 2030 as index 0 */
	assert_string_equal(a, b);
	free(yaml);
}

static void test_missing_input_is_an_error(void **state)
{
	struct fixture *f = *state;
	char *yaml = edited(base_yaml, "[data/demand.csv]", "[data/demand.csv, data/gone.csv]");
	struct config *config = load_config_text(f->dir, yaml);
	struct cache_key_base base;
	struct error err;

	assert_int_equal(cache_key_prepare(config, &config->components[0], &base, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	assert_non_null(strstr(err.text, "component 'model' declares input 'data/gone.csv'"));
	assert_non_null(strstr(err.text, "No such file"));
	config_free(config);
	free(yaml);
	/* a directory is no input file */
	yaml = edited(base_yaml, "[data/demand.csv]", "[data]");
	config = load_config_text(f->dir, yaml);
	assert_int_equal(cache_key_prepare(config, &config->components[0], &base, &err), -1);
	assert_non_null(strstr(err.text, "input 'data'"));
	config_free(config);
	free(yaml);
}

#define RUN_A "run-20260101T000000Z-energy-0000000a"
#define RUN_B "run-20260102T000000Z-energy-0000000b"
#define RUN_C "run-20260103T000000Z-energy-0000000c"

/* A key made of one repeated hex digit. */
static const char *key_hex(char digit, char buf[SHA256_HEX_SIZE])
{
	memset(buf, digit, 64);
	buf[64] = '\0';
	return buf;
}

static struct cache_log *open_log(struct fixture *f, const char *run)
{
	char *dir;
	struct error err;
	struct cache_log *log;

	assert_true(asprintf(&dir, "%s/runs/%s", f->dir, run) > 0);
	tmpdir_write(dir, ".keep", "");
	log = cache_log_open(dir, run, &err);
	if (!log)
		fail_msg("%s", err.text);
	free(dir);
	return log;
}

static void record(struct cache_log *log, size_t index, const char *key,
		   enum cache_state state, const char *source)
{
	struct cache_record r = { .component = "model", .index = index, .key = key,
				  .state = state, .source_run_id = source,
				  .timestamp = "2026-01-01T00:00:00.000Z" };
	struct error err;

	if (cache_log_write(log, &r, &err) != 0)
		fail_msg("%s", err.text);
}

static void test_log_round_trip(void **state)
{
	struct fixture *f = *state;
	char k1[SHA256_HEX_SIZE], k2[SHA256_HEX_SIZE], *text, *path;
	struct cache_log *log = open_log(f, RUN_A);
	json_t *line;

	record(log, 0, key_hex('1', k1), CACHE_STORED, NULL);
	record(log, 1, key_hex('2', k2), CACHE_HIT, RUN_B);
	record(log, 0, k1, CACHE_STORED, NULL);    /* again: not written twice */
	cache_log_close(log);
	assert_true(asprintf(&path, "runs/%s/cache.jsonl", RUN_A) > 0);
	assert_int_equal(tmpdir_count_lines(f->dir, path), 2);
	text = tmpdir_read(f->dir, path);
	line = json_loadb(text, (size_t)(strchr(text, '\n') - text), 0, NULL);
	assert_non_null(line);
	assert_string_equal(json_string_value(json_object_get(line, "event_type")), "cache");
	assert_int_equal(json_integer_value(json_object_get(line, "schema_version")), 1);
	assert_string_equal(json_string_value(json_object_get(line, "run_id")), RUN_A);
	assert_string_equal(json_string_value(json_object_get(line, "component")), "model");
	assert_int_equal(json_integer_value(json_object_get(line, "task_id")), 0);
	assert_string_equal(json_string_value(json_object_get(line, "key")), k1);
	assert_string_equal(json_string_value(json_object_get(line, "state")), "stored");
	assert_true(json_is_null(json_object_get(line, "source_run_id")));
	json_decref(line);
	free(text);
	/* re-attached: what is there is not written again; a torn line is cut */
	log = open_log(f, RUN_A);
	record(log, 0, k1, CACHE_STORED, NULL);
	record(log, 1, k2, CACHE_HIT, RUN_B);
	record(log, 1, k2, CACHE_STORED, NULL);    /* another state: written */
	cache_log_close(log);
	assert_int_equal(tmpdir_count_lines(f->dir, path), 3);
	free(path);
}

static void test_log_rejects_a_bad_key(void **state)
{
	struct fixture *f = *state;
	struct cache_log *log = open_log(f, RUN_A);
	struct cache_record r = { .component = "model", .key = "abc", .state = CACHE_STORED };
	struct error err;

	assert_int_equal(cache_log_write(log, &r, &err), -1);
	assert_non_null(strstr(err.text, "not 64 hex digits"));
	cache_log_close(log);
}

/* Appends raw text to a run's cache.jsonl (a crash's torn tail). */
static void append_raw(struct fixture *f, const char *run, const char *text)
{
	char *path;
	FILE *file;

	assert_true(asprintf(&path, "%s/runs/%s/cache.jsonl", f->dir, run) > 0);
	assert_non_null(file = fopen(path, "a"));
	fputs(text, file);
	fclose(file);
	free(path);
}

static const char *find(const struct cache_index *index, const char *hex)
{
	unsigned char key[SHA256_DIGEST_SIZE];

	assert_true(digest_from_hex(hex, key));
	return cache_index_find(index, key);
}

static void test_lookup_across_runs(void **state)
{
	struct fixture *f = *state;
	char k[7][SHA256_HEX_SIZE], *runs, *line;
	struct cache_index index;
	struct cache_log *log;
	struct error err;

	for (int i = 0; i < 7; i++)
		key_hex((char)('1' + i), k[i]);
	log = open_log(f, RUN_A);
	record(log, 0, k[0], CACHE_STORED, NULL);
	record(log, 1, k[1], CACHE_STORED, NULL);
	cache_log_close(log);
	/* written by other hands: parsed in full */
	assert_true(asprintf(&line, "{\"state\": \"stored\", \"key\": \"%s\", "
			     "\"event_type\": \"cache\"}\n{\"key\": \"%s\"}\n", k[6], k[4]) > 0);
	append_raw(f, RUN_A, line);
	free(line);
	log = open_log(f, RUN_B);
	record(log, 0, k[0], CACHE_HIT, RUN_A);
	record(log, 2, k[2], CACHE_STORED, NULL);
	record(log, 3, k[5], CACHE_HIT, "run-20251201T000000Z-energy-00000000");  /* deleted */
	cache_log_close(log);
	append_raw(f, RUN_B, "{\"event_type\":\"cache\",\"key\":\"4444");   /* torn */
	log = open_log(f, RUN_C);
	record(log, 0, k[3], CACHE_STORED, NULL);
	cache_log_close(log);
	tmpdir_write(f->dir, "runs/not-a-run/cache.jsonl", "garbage\n");

	assert_true(asprintf(&runs, "%s/runs", f->dir) > 0);
	if (cache_index_load(runs, RUN_C, &index, &err) != 0)
		fail_msg("%s", err.text);
	assert_string_equal(find(&index, k[0]), RUN_A);   /* B's hit names A */
	assert_string_equal(find(&index, k[1]), RUN_A);
	assert_string_equal(find(&index, k[2]), RUN_B);
	assert_null(find(&index, k[3]));                  /* the current run's own */
	assert_null(find(&index, k[4]));                  /* a line of no state */
	assert_string_equal(find(&index, k[5]), "run-20251201T000000Z-energy-00000000");
	assert_string_equal(find(&index, k[6]), RUN_A);
	assert_int_equal(index.skipped_lines, 2);         /* that one and the torn one */
	cache_index_free(&index);
	/* without a run to skip, C's key is found too */
	assert_int_equal(cache_index_load(runs, NULL, &index, &err), 0);
	assert_string_equal(find(&index, k[3]), RUN_C);
	cache_index_free(&index);
	/* no runs at all */
	free(runs);
	assert_true(asprintf(&runs, "%s/none", f->dir) > 0);
	assert_int_equal(cache_index_load(runs, NULL, &index, &err), 0);
	assert_null(find(&index, k[0]));
	cache_index_free(&index);
	free(runs);
}

/* A later run's record for the same key names the later run. */
static void test_lookup_prefers_the_latest_run(void **state)
{
	struct fixture *f = *state;
	char k[SHA256_HEX_SIZE], *runs;
	struct cache_index index;
	struct cache_log *log;
	struct error err;

	key_hex('7', k);
	log = open_log(f, RUN_B);
	record(log, 0, k, CACHE_STORED, NULL);
	cache_log_close(log);
	log = open_log(f, RUN_A);
	record(log, 0, k, CACHE_STORED, NULL);
	cache_log_close(log);
	assert_true(asprintf(&runs, "%s/runs", f->dir) > 0);
	assert_int_equal(cache_index_load(runs, NULL, &index, &err), 0);
	assert_string_equal(find(&index, k), RUN_B);
	cache_index_free(&index);
	free(runs);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Key i of the big test: the sha256 of its decimal text. */
static void nth_key(size_t i, char hex[SHA256_HEX_SIZE])
{
	char text[24];

	snprintf(text, sizeof text, "%zu", i);
	sha256_hex(text, strlen(text), hex);
}

/* 100,000 stored keys: loaded once, each found. */
static void test_lookup_100k_keys(void **state)
{
	struct fixture *f = *state;
	enum { N = 100000 };
	char hex[SHA256_HEX_SIZE], *runs, *path, *line;
	unsigned char key[SHA256_DIGEST_SIZE];
	struct cache_record r = { .component = "model", .key = hex, .state = CACHE_STORED,
				  .timestamp = "2026-01-01T00:00:00.000Z" };
	struct cache_index index;
	struct timespec t0;
	struct error err;
	size_t found = 0;
	FILE *file;
	json_t *j;

	tmpdir_write(f->dir, "runs/" RUN_A "/.keep", "");
	assert_true(asprintf(&path, "%s/runs/%s/cache.jsonl", f->dir, RUN_A) > 0);
	assert_non_null(file = fopen(path, "w"));
	for (r.index = 0; r.index < N; r.index++) {
		nth_key(r.index, hex);
		j = cache_record_json(&r, RUN_A);
		line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fprintf(file, "%s\n", line);
		free(line);
		json_decref(j);
	}
	fclose(file);
	assert_true(asprintf(&runs, "%s/runs", f->dir) > 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(cache_index_load(runs, NULL, &index, &err), 0);
	print_message("# 100000 keys loaded in %.3f s\n", seconds_since(&t0));
	for (size_t i = 0; i < N; i++) {
		nth_key(i, hex);
		assert_true(digest_from_hex(hex, key));
		found += cache_index_find(&index, key) != NULL;
	}
	nth_key(N, hex);
	assert_true(digest_from_hex(hex, key));
	assert_null(cache_index_find(&index, key));
	assert_int_equal(found, N);
	assert_int_equal(index.keys.count, N);
	cache_index_free(&index);
	free(runs);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_is_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relevant_changes_change_the_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_template_and_inputs_change_the_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_irrelevant_changes_keep_the_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_key_follows_values_not_indices, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_input_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_rejects_a_bad_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_across_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_prefers_the_latest_run, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lookup_100k_keys, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
