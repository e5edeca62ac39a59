/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonl_file.h: reading skips (and counts) lines that are not JSON objects
 * and a torn last line, never losing a whole line before it; a missing file
 * reads as empty, a directory is an I/O error; a handler can stop the read.
 * Appending writes one compact line per record (key order, short reals),
 * opening for append cuts a torn tail (also one longer than a read chunk),
 * a failed append leaves the file as it was, even when it failed part way
 * (a file size limit), and records appended by several processes at once
 * come back whole. */
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/exit_codes.h"
#include "lib/util/jsonl_file.h"
#include "test/tmpdir.h"

/* What a read saw: the "a" member of each record, and when to stop. */
struct seen {
	long long a[1000];
	size_t n, stop_after;
};

static int collect(json_t *record, void *ctx)
{
	struct seen *seen = ctx;

	assert_true(seen->n < 1000);
	seen->a[seen->n++] = json_integer_value(json_object_get(record, "a"));
	return seen->stop_after && seen->n == seen->stop_after ? 7 : 0;
}

static int setup(void **state)
{
	umask(022);
	*state = tmpdir_create();
	return 0;
}

static int teardown(void **state)
{
	tmpdir_remove(*state);
	return 0;
}

/* dir/name, in a static buffer. */
static const char *path_in(const char *dir, const char *name)
{
	static char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void a_missing_file_reads_as_empty(void **state)
{
	struct seen seen = { .n = 0 };
	struct error err = { 0 };
	size_t skipped = 0;

	assert_int_equal(jsonl_read(path_in(*state, "none.jsonl"), collect, &seen, &skipped,
				    &err), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(skipped, 0);
}

static void bad_lines_and_a_torn_tail_are_skipped(void **state)
{
	struct seen seen = { .n = 0 };
	struct error err = { 0 };
	size_t skipped = 0;

	tmpdir_write(*state, "t.jsonl",
		     "{\"a\":1}\n[1,2]\nnot json\n\"text\"\n{\"a\":2}\n{\"a\":3,\"b\n"
		     "{\"a\":4}\n{\"a\":5}");  /* whole-looking, but no newline */
	assert_int_equal(jsonl_read(path_in(*state, "t.jsonl"), collect, &seen, &skipped,
				    &err), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.a[0], 1);
	assert_int_equal(seen.a[1], 2);
	assert_int_equal(seen.a[2], 4);  /* the line before the torn one is kept */
	assert_int_equal(skipped, 5);
	/* skipped may be NULL */
	seen.n = 0;
	assert_int_equal(jsonl_read(path_in(*state, "t.jsonl"), collect, &seen, NULL, &err), 0);
	assert_int_equal(seen.n, 3);
}

static int count_line(const char *line, size_t len, void *ctx)
{
	size_t *lens = ctx;

	assert_true(len > 0);
	assert_true(lens[0] < 3);
	assert_null(memchr(line, '\n', len));  /* the newline is not part of it */
	lens[++lens[0]] = len;
	lens[lens[0] + 4] = (unsigned char)line[0];
	return 0;
}

static void lines_come_without_newline_and_blank_ones_not_at_all(void **state)
{
	/* [0] the count, [1..3] the lengths, [5..7] the first bytes */
	size_t lens[8] = { 0 }, skipped = 0;
	struct error err = { 0 };

	tmpdir_write(*state, "l.jsonl", "abc\n\nde\n\n\nf\ntorn");
	assert_int_equal(jsonl_read_lines(path_in(*state, "l.jsonl"), count_line, lens,
					  &skipped, &err), 0);
	assert_int_equal(lens[0], 3);
	assert_int_equal(lens[1], 3);
	assert_int_equal(lens[2], 2);
	assert_int_equal(lens[3], 1);
	assert_int_equal(lens[5], 'a');
	assert_int_equal(lens[6], 'd');
	assert_int_equal(lens[7], 'f');
	assert_int_equal(skipped, 1);
}

static void a_handler_can_stop_the_read(void **state)
{
	struct seen seen = { .stop_after = 2 };
	struct error err = { 0 };

	tmpdir_write(*state, "s.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
	assert_int_equal(jsonl_read(path_in(*state, "s.jsonl"), collect, &seen, NULL, &err), 7);
	assert_int_equal(seen.n, 2);
}

static void reading_a_directory_is_an_error(void **state)
{
	struct seen seen = { .n = 0 };
	struct error err = { 0 };

	assert_int_equal(mkdir(path_in(*state, "d.jsonl"), 0755), 0);
	assert_int_equal(jsonl_read(path_in(*state, "d.jsonl"), collect, &seen, NULL, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	assert_non_null(strstr(err.text, "cannot read "));
	assert_non_null(strstr(err.text, "d.jsonl: "));
}

/* Appends each record in json_texts through a fresh jsonl_open_append. */
static void append_all(const char *path, const char *const *json_texts, size_t n)
{
	struct error err = { 0 };
	int fd = jsonl_open_append(path, &err);

	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++) {
		json_t *record = json_loads(json_texts[i], 0, NULL);

		assert_non_null(record);
		assert_int_equal(jsonl_append(fd, record, i % 2, path, &err), 0);
		json_decref(record);
	}
	close(fd);
}

static void appends_are_one_compact_line_each(void **state)
{
	static const char *const records[] = {
		"{\"z\": 1, \"a\": \"x y\", \"m\": [1, 2]}",
		"{\"d\": 0.09, \"n\": null, \"s\": \"line\\nbreak\"}",
	};
	const char *path = path_in(*state, "a.jsonl");
	char *text;
	struct stat st;

	append_all(path, records, 2);
	text = tmpdir_read(*state, "a.jsonl");
	assert_non_null(text);
	assert_string_equal(text, "{\"z\":1,\"a\":\"x y\",\"m\":[1,2]}\n"
			    "{\"d\":0.09,\"n\":null,\"s\":\"line\\nbreak\"}\n");
	free(text);
	assert_int_equal(stat(path_in(*state, "a.jsonl"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
}

/* Writes text to name, opens it for append, and expects want in it. */
static void expect_cut(const char *dir, const char *text, const char *want)
{
	struct error err = { 0 };
	char *got;
	int fd;

	tmpdir_write(dir, "c.jsonl", text);
	fd = jsonl_open_append(path_in(dir, "c.jsonl"), &err);
	assert_true(fd >= 0);
	close(fd);
	got = tmpdir_read(dir, "c.jsonl");
	assert_string_equal(got, want);
	free(got);
}

static void opening_cuts_a_torn_tail_only(void **state)
{
	char *big = malloc(20000);

	assert_non_null(big);
	expect_cut(*state, "{\"a\":1}\n{\"a\":2}\n", "{\"a\":1}\n{\"a\":2}\n");  /* whole */
	expect_cut(*state, "{\"a\":1}\n{\"a\":", "{\"a\":1}\n");
	expect_cut(*state, "{\"a\":1}\n{\"a\":2}", "{\"a\":1}\n");
	expect_cut(*state, "{\"tor", "");
	expect_cut(*state, "", "");
	/* a tail longer than a read chunk, with and without a line before it */
	memcpy(big, "{\"a\":1}\n", 8);
	memset(big + 8, 'x', 19990);
	big[19998] = '\0';
	expect_cut(*state, big, "{\"a\":1}\n");
	expect_cut(*state, big + 8, "");
	/* the last newline just outside, at, and just inside a chunk's edge */
	memset(big, 'y', 19998);
	for (size_t back = 4097; back >= 4095; back--) {
		size_t at = 19998 - back;
		char *want;

		big[at] = '\n';
		assert_non_null(want = strndup(big, at + 1));
		expect_cut(*state, big, want);
		free(want);
		big[at] = 'y';
	}
	free(big);
}

static void an_append_after_a_torn_tail_starts_clean(void **state)
{
	static const char *const records[] = { "{\"a\":3}" };
	struct seen seen = { .n = 0 };
	struct error err = { 0 };
	size_t skipped = 0;

	tmpdir_write(*state, "r.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\":");
	append_all(path_in(*state, "r.jsonl"), records, 1);
	assert_int_equal(jsonl_read(path_in(*state, "r.jsonl"), collect, &seen, &skipped,
				    &err), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.a[2], 3);
	assert_int_equal(skipped, 0);
}

static void a_failed_append_leaves_the_file(void **state)
{
	const char *path = path_in(*state, "ro.jsonl");
	json_t *record = json_pack("{s:i}", "a", 9);
	struct error err = { 0 };
	char *text;
	int fd;

	tmpdir_write(*state, "ro.jsonl", "{\"a\":1}\n");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(jsonl_append(fd, record, false, path, &err), -1);
	close(fd);
	json_decref(record);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	assert_non_null(strstr(err.text, "cannot append to "));
	assert_non_null(strstr(err.text, "ro.jsonl: "));
	text = tmpdir_read(*state, "ro.jsonl");
	assert_string_equal(text, "{\"a\":1}\n");
	free(text);
}

/* A file size limit lets the write through part way: the part is cut off. */
static void an_append_failing_part_way_is_cut_off(void **state)
{
	const char *path = path_in(*state, "fsize.jsonl");
	int status;
	char *text;
	pid_t pid;

	tmpdir_write(*state, "fsize.jsonl", "{\"a\":1}\n");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit limit;
		json_t *record = json_pack("{s:i,s:s}", "a", 2, "pad", "0123456789abcdef");
		struct error err = { 0 };
		int fd = jsonl_open_append(path, &err);

		signal(SIGXFSZ, SIG_IGN);  /* the write fails with EFBIG instead */
		if (fd < 0 || !record || getrlimit(RLIMIT_FSIZE, &limit) != 0)
			_exit(2);
		limit.rlim_cur = 20;  /* 8 bytes there, 34 to come */
		if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
			_exit(2);
		_exit(jsonl_append(fd, record, false, path, &err) == -1 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	text = tmpdir_read(*state, "fsize.jsonl");
	assert_string_equal(text, "{\"a\":1}\n");
	free(text);
}

/* Four processes append 200 records each through one descriptor. */
static void concurrent_appends_stay_whole_lines(void **state)
{
	const char *path = path_in(*state, "many.jsonl");
	struct seen seen = { .n = 0 };
	struct error err = { 0 };
	long long next[4] = { 0 };
	size_t skipped = 0;
	int fd = jsonl_open_append(path, &err), status;

	assert_true(fd >= 0);
	for (int w = 0; w < 4; w++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			for (int i = 0; i < 200; i++) {
				json_t *r = json_pack("{s:i,s:s}", "a", w * 1000 + i, "pad",
						      "................................");

				if (!r || jsonl_append(fd, r, false, path, &err) != 0)
					_exit(1);
				json_decref(r);
			}
			_exit(0);
		}
	}
	for (int w = 0; w < 4; w++) {
		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(fd);
	assert_int_equal(jsonl_read(path, collect, &seen, &skipped, &err), 0);
	assert_int_equal(seen.n, 800);
	assert_int_equal(skipped, 0);
	for (size_t i = 0; i < seen.n; i++) {  /* each writer's records in order */
		long long w = seen.a[i] / 1000;

		assert_true(w >= 0 && w < 4);
		assert_int_equal(seen.a[i] % 1000, next[w]++);
	}
}

/* Each test gets a fresh scratch directory as its state. */
#define IN_TMPDIR(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		IN_TMPDIR(a_missing_file_reads_as_empty),
		IN_TMPDIR(bad_lines_and_a_torn_tail_are_skipped),
		IN_TMPDIR(lines_come_without_newline_and_blank_ones_not_at_all),
		IN_TMPDIR(a_handler_can_stop_the_read),
		IN_TMPDIR(reading_a_directory_is_an_error),
		IN_TMPDIR(appends_are_one_compact_line_each),
		IN_TMPDIR(opening_cuts_a_torn_tail_only),
		IN_TMPDIR(an_append_after_a_torn_tail_starts_clean),
		IN_TMPDIR(a_failed_append_leaves_the_file),
		IN_TMPDIR(an_append_failing_part_way_is_cut_off),
		IN_TMPDIR(concurrent_appends_stay_whole_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
