/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cache.jsonl's key versions: every record says key_version, and only
 * records of today's CACHE_KEY_VERSION are looked up (one without the field
 * is version 1). A record of another version is a miss, never a hit, in
 * another run's file (read quickly or in full) and in the run's own. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rundir/cache_key.h"
#include "rundir/cache_log.h"
#include "test/tmpdir.h"

#define RUN_A "run-20260101T000000Z-energy-0000000a"
#define RUN_B "run-20260102T000000Z-energy-0000000b"

/* A key made of one repeated hex digit. */
static const char *key_hex(char digit, char buf[SHA256_HEX_SIZE])
{
	memset(buf, digit, 64);
	buf[64] = '\0';
	return buf;
}

static struct cache_log *open_log(const char *dir, const char *run)
{
	char *path;
	struct error err;
	struct cache_log *log;

	assert_true(asprintf(&path, "%s/runs/%s", dir, run) > 0);
	tmpdir_write(path, ".keep", "");
	if (!(log = cache_log_open(path, run, &err)))
		fail_msg("%s", err.text);
	free(path);
	return log;
}

static void store(struct cache_log *log, size_t index, const char *key)
{
	struct cache_record r = { .component = "model", .index = index, .key = key,
				  .state = CACHE_STORED, .timestamp = "2026-01-01T00:00:00.000Z" };
	struct error err;

	if (cache_log_write(log, &r, &err) != 0)
		fail_msg("%s", err.text);
}

/* Appends raw lines to a run's cache.jsonl. */
static void append_raw(const char *dir, const char *run, const char *text)
{
	char *path;
	FILE *file;

	assert_true(asprintf(&path, "%s/runs/%s/cache.jsonl", dir, run) > 0);
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

static void a_record_says_its_key_version(void **state)
{
	struct cache_record r = { .component = "model", .index = 3, .key = "k",
				  .state = CACHE_STORED, .timestamp = "2026-01-01T00:00:00.000Z" };
	json_t *json = cache_record_json(&r, RUN_A);

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(json, "key_version")),
			 CACHE_KEY_VERSION);
	assert_int_equal(cache_record_key_version(json), CACHE_KEY_VERSION);
	json_object_del(json, "key_version");   /* written before the field */
	assert_int_equal(cache_record_key_version(json), 1);
	json_decref(json);
	assert_true(cache_key_version_current(CACHE_KEY_VERSION));
	assert_false(cache_key_version_current(CACHE_KEY_VERSION + 1));
}

/* One line of another run's file, in cache_record_json's compact form
 * (read quickly) unless spaced (read in full). */
static void append_line(const char *dir, const char *key, const char *version,
			const char *state, bool spaced)
{
	char line[600];

	snprintf(line, sizeof line, spaced
		 ? "{\"event_type\": \"cache\", \"key\": \"%s\"%s, \"state\": \"%s\", "
		   "\"source_run_id\": \"" RUN_B "\"}\n"
		 : "{\"event_type\":\"cache\",\"schema_version\":1,\"run_id\":\"" RUN_A "\","
		   "\"component\":\"model\",\"task_id\":0,\"key\":\"%s\"%s,\"state\":\"%s\","
		   "\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"source_run_id\":\"" RUN_B "\"}\n",
		 key, version, state);
	append_raw(dir, RUN_A, line);
}

static void only_todays_key_version_is_looked_up(void **state)
{
	char *dir = tmpdir_create(), *runs, k[8][SHA256_HEX_SIZE], v2[32], v1[32];
	struct cache_log *log = open_log(dir, RUN_A);
	struct cache_index index;
	struct error err;

	(void)state;
	for (int i = 0; i < 8; i++)
		key_hex((char)('1' + i), k[i]);
	snprintf(v1, sizeof v1, ",\"key_version\":%d", CACHE_KEY_VERSION);
	snprintf(v2, sizeof v2, ",\"key_version\":%d", CACHE_KEY_VERSION + 1);
	store(log, 0, k[0]);                               /* written today */
	cache_log_close(log);
	append_line(dir, k[1], v2, "stored", false);       /* another version */
	append_line(dir, k[2], v2, "stored", true);
	append_line(dir, k[3], v2, "hit", false);
	append_line(dir, k[4], ",\"key_version\":\"1\"", "stored", false);  /* no number */
	append_line(dir, k[5], "", "stored", false);       /* before the field: 1 */
	append_line(dir, k[6], "", "hit", true);
	append_line(dir, k[7], v1, "hit", false);
	assert_true(asprintf(&runs, "%s/runs", dir) > 0);
	if (cache_index_load(runs, NULL, &index, &err) != 0)
		fail_msg("%s", err.text);
	assert_string_equal(find(&index, k[0]), RUN_A);
	for (int i = 1; i <= 4; i++)
		assert_null(find(&index, k[i]));              /* a miss, never a hit */
	assert_int_equal(index.other_version, 4);
	assert_string_equal(find(&index, k[5]), RUN_A);
	assert_string_equal(find(&index, k[6]), RUN_B);
	assert_string_equal(find(&index, k[7]), RUN_B);
	assert_int_equal(index.skipped_lines, 0);
	cache_index_free(&index);
	free(runs);
	tmpdir_remove(dir);
}

/* A run re-attached after an upgrade stores a key even when its file holds
 * the same key of another version. */
static void the_own_file_counts_only_todays_keys(void **state)
{
	char *dir = tmpdir_create(), *path, k[SHA256_HEX_SIZE], v2[32];
	struct cache_log *log;

	(void)state;
	key_hex('9', k);
	snprintf(v2, sizeof v2, ",\"key_version\":%d", CACHE_KEY_VERSION + 1);
	cache_log_close(open_log(dir, RUN_A));
	append_line(dir, k, v2, "stored", false);
	log = open_log(dir, RUN_A);
	store(log, 0, k);
	store(log, 0, k);  /* today's version once */
	cache_log_close(log);
	assert_true(asprintf(&path, "runs/%s/cache.jsonl", RUN_A) > 0);
	assert_int_equal(tmpdir_count_lines(dir, path), 2);
	free(path);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_record_says_its_key_version),
		cmocka_unit_test(only_todays_key_version_is_looked_up),
		cmocka_unit_test(the_own_file_counts_only_todays_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
