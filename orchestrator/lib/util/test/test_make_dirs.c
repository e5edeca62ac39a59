/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkdir -p: every missing part made with the mode, parts already there
 * kept, a file in the way an error with errno; the parent-only form. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "lib/util/make_dirs.h"
#include "test/tmpdir.h"

static mode_t mode_of(const char *dir, const char *rel)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	return st.st_mode & 0777;
}

static void every_missing_part_is_made(void **state)
{
	char *dir = tmpdir_create(), path[4200];
	mode_t old = umask(022);

	(void)state;
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(make_dirs(path, 0700), 0);
	assert_int_equal(mode_of(dir, "a"), 0700);
	assert_int_equal(mode_of(dir, "a/b/c"), 0700);
	assert_int_equal(make_dirs(path, 0755), 0);           /* there: fine, kept */
	assert_int_equal(mode_of(dir, "a/b/c"), 0700);
	snprintf(path, sizeof path, "%s/a/d/", dir);          /* a trailing slash */
	assert_int_equal(make_dirs(path, 0777), 0);
	assert_int_equal(mode_of(dir, "a/d"), 0755);          /* less the umask */
	umask(old);
	tmpdir_remove(dir);
}

static void a_file_in_the_way_is_an_error(void **state)
{
	char *dir = tmpdir_create(), path[4200];

	(void)state;
	tmpdir_write(dir, "f", "");
	snprintf(path, sizeof path, "%s/f/x", dir);
	errno = 0;
	assert_int_equal(make_dirs(path, 0755), -1);
	assert_int_equal(errno, ENOTDIR);
	tmpdir_remove(dir);
}

static void only_the_parent(void **state)
{
	char *dir = tmpdir_create(), path[4200];
	struct stat st;

	(void)state;
	snprintf(path, sizeof path, "%s/p/q/file.out", dir);
	assert_int_equal(make_parent_dirs(path, 0755), 0);
	assert_int_equal(mode_of(dir, "p/q") & 0700, 0700);
	snprintf(path, sizeof path, "%s/p/q/file.out", dir);
	assert_int_equal(stat(path, &st), -1);                /* not the file itself */
	assert_int_equal(make_parent_dirs("file.out", 0755), 0);   /* no directory part */
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_missing_part_is_made),
		cmocka_unit_test(a_file_in_the_way_is_an_error),
		cmocka_unit_test(only_the_parent),
	};

	return cmocka_run_group_tests_name("make_dirs", tests, NULL, NULL);
}
