/* SPDX-License-Identifier: GPL-2.0-or-later */
/* private_path: the caller's own, not a link, writable by nobody else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/private_path.h"
#include "test/tmpdir.h"

static void own_private_paths_are_trusted(void **state)
{
	char *dir = tmpdir_create(), path[4200];
	struct stat st;

	(void)state;
	chmod(dir, 0700);
	assert_true(private_path(dir, &st));
	assert_true(S_ISDIR(st.st_mode));
	snprintf(path, sizeof path, "%s/manifest.yaml", dir);
	tmpdir_write(dir, "manifest.yaml", "x");
	chmod(path, 0644);
	assert_true(private_path(path, NULL));
	tmpdir_remove(dir);
}

static void writable_by_others_or_a_link_is_not(void **state)
{
	char *dir = tmpdir_create(), path[4200], link[4200];
	struct stat st;

	(void)state;
	snprintf(path, sizeof path, "%s/f", dir);
	tmpdir_write(dir, "f", "x");
	chmod(path, 0664);
	assert_false(private_path(path, NULL));
	chmod(path, 0646);
	assert_false(private_path(path, NULL));
	chmod(path, 0600);
	snprintf(link, sizeof link, "%s/l", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_false(private_path(link, &st));
	assert_true(S_ISLNK(st.st_mode));
	snprintf(path, sizeof path, "%s/missing", dir);
	assert_false(private_path(path, &st));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(st.st_mode, 0);
	tmpdir_remove(dir);
}

/* Someone else's: as root, a file given to nobody; otherwise root's /. */
static void someone_elses_is_not(void **state)
{
	char *dir = tmpdir_create(), path[4200];

	(void)state;
	snprintf(path, sizeof path, "%s/theirs", dir);
	tmpdir_write(dir, "theirs", "x");
	chmod(path, 0600);
	if (getuid() == 0)
		assert_int_equal(chown(path, 65534, 65534), 0);
	else
		snprintf(path, sizeof path, "/");
	assert_false(private_path(path, NULL));
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_private_paths_are_trusted),
		cmocka_unit_test(writable_by_others_or_a_link_is_not),
		cmocka_unit_test(someone_elses_is_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
