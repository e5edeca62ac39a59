/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cache's outputs: a record's files as JSON and back; a hit's test
 * (every file present, same size, and the same sha256 unless the mtime is
 * the recorded one); the lookup index keeps the latest record's files per
 * key; a component's patterns are part of its key. */
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "rundir/cache_key.h"
#include "rundir/cache_log.h"
#include "rundir/cache_outputs.h"
#include "testing/orch_helpers.h"
#include "test/tmpdir.h"

#define RUN1 "run-20260101T000000Z-p-00000001"
#define RUN2 "run-20260101T000001Z-p-00000002"
#define KEY "1111111111111111111111111111111111111111111111111111111111111111"
#define KEY2 "2222222222222222222222222222222222222222222222222222222222222222"

/* files with one output, dir/name, stat'ed and hashed as at a success. */
static void one_file(const char *dir, const char *name, struct output_files *files)
{
	struct output_file *f = calloc(1, sizeof *f);
	struct error err;
	struct stat st;

	assert_true(asprintf(&f->path, "%s/%s", dir, name) > 0);
	assert_int_equal(stat(f->path, &st), 0);
	f->size = (uint64_t)st.st_size;
	f->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	*files = (struct output_files){ f, 1 };
	if (cache_outputs_hash(files, &err) != 0)
		fail_msg("%s", err.text);
}

/* Sets path's mtime to mtime_ns (what a copy preserving times does). */
static void set_mtime(const char *path, int64_t mtime_ns)
{
	struct timespec times[2] = {
		{ .tv_nsec = UTIME_OMIT },
		{ .tv_sec = mtime_ns / 1000000000, .tv_nsec = mtime_ns % 1000000000 },
	};

	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void test_json_round_trip(void **state)
{
	char *dir = tmpdir_create();
	struct output_files files, back;
	json_t *json, *bad;

	(void)state;
	tmpdir_write(dir, "a.csv", "abc\n");
	one_file(dir, "a.csv", &files);
	/* sha256("abc\n") */
	assert_string_equal(files.file[0].sha256,
			    "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb");
	assert_non_null(json = cache_outputs_json(&files));
	assert_true(cache_outputs_from_json(json, &back));
	assert_int_equal(back.count, 1);
	assert_string_equal(back.file[0].path, files.file[0].path);
	assert_int_equal(back.file[0].size, 4);
	assert_int_equal(back.file[0].mtime_ns, files.file[0].mtime_ns);
	assert_string_equal(back.file[0].sha256, files.file[0].sha256);
	output_files_free(&back);
	/* not a record's files: a relative path, a short digest, no array */
	bad = json_pack("[{s:s, s:i, s:i, s:s}]", "path", "a.csv", "size", 4, "mtime_ns", 1,
			"sha256", files.file[0].sha256);
	assert_false(cache_outputs_from_json(bad, &back));
	json_decref(bad);
	bad = json_pack("[{s:s, s:i, s:i, s:s}]", "path", "/a.csv", "size", 4, "mtime_ns", 1,
			"sha256", "abc");
	assert_false(cache_outputs_from_json(bad, &back));
	json_decref(bad);
	assert_false(cache_outputs_from_json(json_object_get(json, "x"), &back));
	json_decref(json);
	output_files_free(&files);
	tmpdir_remove(dir);
}

/* Deleted, grown, rewritten: refused; touched with the same bytes, or
 * rewritten with its recorded size and mtime put back: taken. */
static void test_intact(void **state)
{
	char *dir = tmpdir_create(), why[512];
	struct output_files files;
	const char *path;
	int64_t recorded;

	(void)state;
	tmpdir_write(dir, "r.csv", "1,2\n");
	one_file(dir, "r.csv", &files);
	path = files.file[0].path;
	recorded = files.file[0].mtime_ns;
	assert_true(cache_outputs_intact(&files, why, sizeof why));

	assert_int_equal(unlink(path), 0);
	assert_false(cache_outputs_intact(&files, why, sizeof why));
	assert_non_null(strstr(why, "r.csv: missing"));

	tmpdir_write(dir, "r.csv", "1,2,3\n");
	assert_false(cache_outputs_intact(&files, why, sizeof why));
	assert_non_null(strstr(why, "r.csv: changed (size)"));

	tmpdir_write(dir, "r.csv", "9,9\n");  /* same size, other bytes */
	set_mtime(path, recorded + 1000000000);
	assert_false(cache_outputs_intact(&files, why, sizeof why));
	assert_non_null(strstr(why, "r.csv: changed (sha256)"));

	tmpdir_write(dir, "r.csv", "1,2\n");  /* the same bytes, a new mtime */
	set_mtime(path, recorded + 2000000000);
	assert_true(cache_outputs_intact(&files, why, sizeof why));

	/* size and mtime as recorded: trusted without reading (cache_outputs.h) */
	tmpdir_write(dir, "r.csv", "7,7\n");
	set_mtime(path, recorded);
	assert_true(cache_outputs_intact(&files, why, sizeof why));
	output_files_free(&files);
	tmpdir_remove(dir);
}

static void write_record(const char *runs, const char *run, const char *key,
			 enum cache_state state, const struct output_files *outputs)
{
	struct cache_record r = {
		.component = "model", .index = 0, .key = key, .state = state,
		.source_run_id = state == CACHE_HIT ? RUN1 : NULL, .outputs = outputs,
	};
	char *dir;
	struct error err;
	struct cache_log *log;

	assert_true(asprintf(&dir, "%s/%s", runs, run) > 0);
	mkdir(dir, 0755);
	if (!(log = cache_log_open(dir, run, &err)) || cache_log_write(log, &r, &err) != 0)
		fail_msg("%s", err.text);
	cache_log_close(log);
	free(dir);
}

/* The index keeps the latest record's files per key; a key stored again in
 * the same run (resume ran it again) with new files is written again. */
static void test_index_outputs(void **state)
{
	char *runs = tmpdir_create(), *files_dir = tmpdir_create();
	unsigned char key[SHA256_DIGEST_SIZE], key2[SHA256_DIGEST_SIZE];
	struct output_files first, second;
	const struct output_files *found;
	struct cache_index index;
	struct error err;

	(void)state;
	tmpdir_write(files_dir, "one.csv", "1\n");
	tmpdir_write(files_dir, "two.csv", "22\n");
	one_file(files_dir, "one.csv", &first);
	one_file(files_dir, "two.csv", &second);
	write_record(runs, RUN1, KEY, CACHE_STORED, &first);
	write_record(runs, RUN1, KEY, CACHE_STORED, &first);   /* resumed: again */
	write_record(runs, RUN1, KEY2, CACHE_STORED, NULL);
	write_record(runs, RUN1, KEY2, CACHE_STORED, NULL);    /* a re-attach: once */
	write_record(runs, RUN2, KEY, CACHE_HIT, &second);
	assert_int_equal(tmpdir_count_lines(runs, RUN1 "/cache.jsonl"), 3);

	assert_true(digest_from_hex(KEY, key) && digest_from_hex(KEY2, key2));
	if (cache_index_load(runs, NULL, &index, &err) != 0)
		fail_msg("%s", err.text);
	assert_string_equal(cache_index_find(&index, key), RUN1);
	assert_non_null(found = cache_index_outputs(&index, key));
	assert_int_equal(found->count, 1);
	assert_string_equal(found->file[0].path, second.file[0].path);  /* the latest */
	assert_null(cache_index_outputs(&index, key2));
	cache_index_free(&index);

	/* without the run of the hit: the stored record's files */
	if (cache_index_load(runs, RUN2, &index, &err) != 0)
		fail_msg("%s", err.text);
	assert_non_null(found = cache_index_outputs(&index, key));
	assert_string_equal(found->file[0].path, first.file[0].path);
	cache_index_free(&index);
	output_files_free(&first);
	output_files_free(&second);
	tmpdir_remove(runs);
	tmpdir_remove(files_dir);
}

static void key_of(const char *yaml, char hex[SHA256_HEX_SIZE])
{
	char *dir = tmpdir_create();
	struct config *config = load_config_text(dir, yaml);
	struct cache_key_base base;
	struct error err;

	if (cache_key_prepare(config, &config->components[0], &base, &err) != 0)
		fail_msg("%s", err.text);
	cache_key_hex(&base, 0, hex);
	config_free(config);
	tmpdir_remove(dir);
}

/* Declaring outputs, or changing a pattern, gives another key. */
static void test_outputs_in_key(void **state)
{
	static const char head[] = "version: 1\nproject: p\ncomponents:\n  m:\n"
				   "    command: ./run\n    cache: true\n";
	char *with, *other, a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE], c[SHA256_HEX_SIZE];

	(void)state;
	assert_true(asprintf(&with, "%s    outputs: [out.csv]\n", head) > 0);
	assert_true(asprintf(&other, "%s    outputs: [out.tsv]\n", head) > 0);
	key_of(head, a);
	key_of(with, b);
	key_of(other, c);
	assert_string_not_equal(a, b);
	assert_string_not_equal(b, c);
	free(with);
	free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_index_outputs),
		cmocka_unit_test(test_outputs_in_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
