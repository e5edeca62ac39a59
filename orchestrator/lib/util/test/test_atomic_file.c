/* SPDX-License-Identifier: GPL-2.0-or-later */
/* atomic_file.h: a write creates or replaces the file whole with the mode
 * asked for and leaves no PATH.tmp behind; when the filler fails, or the
 * rename cannot happen, or the directory is missing, the call says why
 * ("cannot write PATH: strerror", exit code 3), the old content stays and
 * no temporary file is left; a stale PATH.tmp from a crash is overwritten;
 * a symlink at PATH.tmp is not written through; JSON is indented by two,
 * in key order, with short reals and a final newline; fsync_parent_dir
 * works for nested, bare and root paths and fails for a missing directory. */
#include <errno.h>
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

#include "lib/util/atomic_file.h"
#include "lib/util/exit_codes.h"
#include "test/tmpdir.h"

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

/* dir/name, in buf. */
static const char *join(char buf[4096], const char *dir, const char *name)
{
	snprintf(buf, 4096, "%s/%s", dir, name);
	return buf;
}

static void expect_content(const char *dir, const char *name, const char *want)
{
	char *got = tmpdir_read(dir, name);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void expect_no_tmp(const char *dir, const char *name)
{
	char tmp[256], buf[4096];

	snprintf(tmp, sizeof tmp, "%s.tmp", name);
	assert_int_equal(access(join(buf, dir, tmp), F_OK), -1);
	assert_int_equal(errno, ENOENT);
}

static void a_write_creates_and_replaces(void **state)
{
	char buf[4096];
	const char *path = join(buf, *state, "f.txt");
	struct error err = { 0 };
	struct stat st;

	assert_int_equal(atomic_write_text(path, 0600, "first\n", 6, &err), 0);
	expect_content(*state, "f.txt", "first\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	expect_no_tmp(*state, "f.txt");
	/* len counts, not the NUL: a shorter prefix of a longer text */
	assert_int_equal(atomic_write_text(path, 0600, "second and more", 6, &err), 0);
	expect_content(*state, "f.txt", "second");
	expect_no_tmp(*state, "f.txt");
	assert_int_equal(atomic_write_text(path, 0644, "", 0, &err), 0);
	expect_content(*state, "f.txt", "");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
}

/* Writes some of its text, then fails as a full disk would. */
static int fail_half_way(FILE *file, void *ctx)
{
	(void)ctx;
	fputs("half a new fi", file);
	errno = ENOSPC;
	return -1;
}

static void a_failing_filler_keeps_the_old_file(void **state)
{
	char buf[4096];
	const char *path = join(buf, *state, "keep.txt");
	struct error err = { 0 };
	char want[4200];

	tmpdir_write(*state, "keep.txt", "old content\n");
	assert_int_equal(atomic_write_with(path, 0644, fail_half_way, NULL, &err), -1);
	expect_content(*state, "keep.txt", "old content\n");
	expect_no_tmp(*state, "keep.txt");
	snprintf(want, sizeof want, "cannot write %s: %s", path, strerror(ENOSPC));
	assert_string_equal(err.text, want);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	/* and when there was no file before, there is none after */
	path = join(buf, *state, "never.txt");
	assert_int_equal(atomic_write_with(path, 0644, fail_half_way, NULL, &err), -1);
	assert_int_equal(access(path, F_OK), -1);
	expect_no_tmp(*state, "never.txt");
}

/* A directory in the way: the rename fails after the data was written. */
static void a_failed_rename_leaves_no_tmp(void **state)
{
	char buf[4096];
	const char *path = join(buf, *state, "dir");
	struct error err = { 0 };
	struct stat st;

	tmpdir_write(*state, "dir/inside", "x");
	assert_int_equal(atomic_write_text(path, 0644, "text", 4, &err), -1);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	expect_content(*state, "dir/inside", "x");
	expect_no_tmp(*state, "dir");
	assert_non_null(strstr(err.text, "cannot write "));
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
}

static void a_missing_directory_is_an_error(void **state)
{
	char buf[4096];
	const char *path = join(buf, *state, "missing/f.txt");
	struct error err = { 0 };
	char want[4200];

	assert_int_equal(atomic_write_text(path, 0644, "x", 1, &err), -1);
	snprintf(want, sizeof want, "cannot write %s: %s", path, strerror(ENOENT));
	assert_string_equal(err.text, want);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
}

/* A crash between creating PATH.tmp and the rename left one behind. */
static void a_stale_tmp_is_overwritten(void **state)
{
	char buf[4096];
	const char *path = join(buf, *state, "s.txt");
	struct error err = { 0 };

	tmpdir_write(*state, "s.txt", "old\n");
	tmpdir_write(*state, "s.txt.tmp", "a much longer half-written leftover\n");
	assert_int_equal(atomic_write_text(path, 0644, "new\n", 4, &err), 0);
	expect_content(*state, "s.txt", "new\n");
	expect_no_tmp(*state, "s.txt");
}

static void a_symlinked_tmp_is_not_followed(void **state)
{
	char victim[4096], link[4096], path[4096];
	struct error err = { 0 };
	struct stat st;

	join(victim, *state, "victim");
	join(link, *state, "l.txt.tmp");
	tmpdir_write(*state, "victim", "precious\n");
	assert_int_equal(symlink(victim, link), 0);
	/* failing is fine; writing through the link is not */
	(void)atomic_write_text(join(path, *state, "l.txt"), 0644, "evil\n", 5, &err);
	expect_content(*state, "victim", "precious\n");
	assert_int_equal(lstat(victim, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

/* Streams many lines through the FILE: more than any stdio buffer. */
static int fill_many(FILE *file, void *ctx)
{
	const int *lines = ctx;

	for (int i = 0; i < *lines; i++)
		if (fprintf(file, "line %06d\n", i) < 0)
			return -1;
	return 0;
}

static void a_filler_may_write_much(void **state)
{
	char buf[4096];
	const char *path = join(buf, *state, "big.txt");
	struct error err = { 0 };
	int lines = 50000;
	struct stat st;
	char *text;

	assert_int_equal(atomic_write_with(path, 0640, fill_many, &lines, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 50000 * 12);
	assert_int_equal(st.st_mode & 07777, 0640);
	text = tmpdir_read(*state, "big.txt");
	assert_memory_equal(text, "line 000000\nline 000001\n", 24);
	assert_string_equal(text + 49999 * 12, "line 049999\n");
	free(text);
	expect_no_tmp(*state, "big.txt");
}

static void json_is_indented_in_key_order(void **state)
{
	json_t *json = json_pack("{s:i,s:s,s:f,s:[i,i],s:{}}", "zeta", 1, "alpha", "x",
				 "dur", 0.09, "list", 1, 2, "empty");
	struct error err = { 0 };
	char path[4096];
	struct stat st;

	assert_non_null(json);
	assert_int_equal(atomic_write_json(join(path, *state, "j.json"), json, &err), 0);
	json_decref(json);
	expect_content(*state, "j.json",
		       "{\n  \"zeta\": 1,\n  \"alpha\": \"x\",\n  \"dur\": 0.09,\n"
		       "  \"list\": [\n    1,\n    2\n  ],\n  \"empty\": {}\n}\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	expect_no_tmp(*state, "j.json");
}

static void parent_dirs_are_synced(void **state)
{
	char *cwd = getcwd(NULL, 0), buf[4096];

	assert_int_equal(fsync_parent_dir(join(buf, *state, "any-name")), 0);
	assert_int_equal(fsync_parent_dir("/etc-or-whatever"), 0);  /* parent: / */
	assert_int_equal(fsync_parent_dir(join(buf, *state, "missing/x")), -1);
	assert_non_null(cwd);
	assert_int_equal(chdir(*state), 0);
	assert_int_equal(fsync_parent_dir("bare-name"), 0);        /* parent: . */
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
}

/* Each test gets a fresh scratch directory as its state. */
#define IN_TMPDIR(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		IN_TMPDIR(a_write_creates_and_replaces),
		IN_TMPDIR(a_failing_filler_keeps_the_old_file),
		IN_TMPDIR(a_failed_rename_leaves_no_tmp),
		IN_TMPDIR(a_missing_directory_is_an_error),
		IN_TMPDIR(a_stale_tmp_is_overwritten),
		IN_TMPDIR(a_symlinked_tmp_is_not_followed),
		IN_TMPDIR(a_filler_may_write_much),
		IN_TMPDIR(json_is_indented_in_key_order),
		IN_TMPDIR(parent_dirs_are_synced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
