/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Other users' runs (docs/run-directory.md, "Other users"): in a runs
 * directory anyone may write, a run directory of another uid is not
 * listed, not found by id or as the latest, not changed by path, and its
 * cache.jsonl is not read; no run is made in a runs directory of another
 * user or that others can write without the sticky bit. Needs root to make a directory of another uid
 * (chown to nobody); skipped otherwise. */
#include <pwd.h>
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

#include "lib/util/exit_codes.h"
#include "rundir/cache_key.h"
#include "rundir/cache_log.h"
#include "rundir/run_dir.h"
#include "rundir/run_owner.h"
#include "test/tmpdir.h"

#define MINE "run-20260101T000000Z-p-0000000a"
#define THEIRS "run-20260102T000000Z-p-0000000b"

/* Skips the test unless this process can chown (is root). */
static uid_t other_uid_or_skip(void)
{
	struct passwd *nobody = getpwnam("nobody");

	if (geteuid() != 0 || !nobody) {
		print_message("skipped: needs root and a user 'nobody' to make another's run\n");
		skip();
	}
	return nobody->pw_uid;
}

/* root/MINE of ours and root/THEIRS (newer) of uid other, each with a
 * cache.jsonl storing key. */
static void make_two_runs(const char *root, uid_t other, const char *key)
{
	char path[4096], line[400];

	snprintf(line, sizeof line, "{\"event_type\":\"cache\",\"key\":\"%s\",\"key_version\":%d,"
		 "\"state\":\"stored\"}\n", key, CACHE_KEY_VERSION);
	tmpdir_write(root, MINE "/cache.jsonl", "");
	tmpdir_write(root, THEIRS "/cache.jsonl", line);
	snprintf(path, sizeof path, "%s/%s", root, THEIRS);
	assert_int_equal(chown(path, other, other), 0);
}

static void another_users_run_is_neither_listed_nor_found(void **state)
{
	uid_t other = other_uid_or_skip();
	char *root = tmpdir_create(), key[SHA256_HEX_SIZE];
	struct run_list list;
	struct run_dir *run;
	struct error err;

	(void)state;
	memset(key, 'c', 64);
	key[64] = '\0';
	make_two_runs(root, other, key);
	assert_int_equal(run_dir_list(root, &list, &err), 0);
	assert_int_equal(list.count, 1);
	assert_string_equal(list.ids[0], MINE);
	assert_int_equal(list.foreign, 1);
	assert_string_equal(list.foreign_first, THEIRS);
	run_list_free(&list);
	assert_int_equal(run_dir_latest(root, &run, &err), 0);
	assert_string_equal(run->id, MINE);      /* not the newer one of theirs */
	run_dir_free(run);
	assert_int_equal(run_dir_find(root, "0000000b", &run, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_NOT_FOUND);
	tmpdir_remove(root);
}

static void another_users_run_by_path_is_refused_for_a_change(void **state)
{
	uid_t other = other_uid_or_skip();
	char *root = tmpdir_create(), key[SHA256_HEX_SIZE], path[4096];
	struct run_dir *run;
	struct error err;

	(void)state;
	memset(key, 'c', 64);
	key[64] = '\0';
	make_two_runs(root, other, key);
	snprintf(path, sizeof path, "%s/%s", root, THEIRS);
	assert_int_equal(run_dir_find(root, path, &run, &err), 0);  /* looking is fine */
	assert_int_equal(run_check_owner(run, "resume", &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_NOT_FOUND);
	assert_non_null(strstr(err.text, "not to you"));
	run_dir_free(run);
	snprintf(path, sizeof path, "%s/%s", root, MINE);
	assert_int_equal(run_dir_find(root, path, &run, &err), 0);
	assert_int_equal(run_check_owner(run, "resume", &err), 0);
	run_dir_free(run);
	tmpdir_remove(root);
}

static void another_users_cache_is_not_read(void **state)
{
	uid_t other = other_uid_or_skip();
	char *root = tmpdir_create(), key[SHA256_HEX_SIZE];
	unsigned char digest[SHA256_DIGEST_SIZE];
	struct cache_index index;
	struct error err;

	(void)state;
	memset(key, 'c', 64);
	key[64] = '\0';
	make_two_runs(root, other, key);
	assert_int_equal(cache_index_load(root, NULL, &index, &err), 0);
	assert_true(digest_from_hex(key, digest));
	assert_null(cache_index_find(&index, digest));
	cache_index_free(&index);
	tmpdir_remove(root);
}

/* A new run goes only into a runs directory nobody else can rearrange. */
static void runs_go_only_where_nobody_else_can_rename_them(void **state)
{
	char *dir = tmpdir_create(), root[4200];
	struct passwd *nobody = getpwnam("nobody");
	struct run_dir *run;
	struct error err;

	(void)state;
	snprintf(root, sizeof root, "%s/runs", dir);
	assert_int_equal(mkdir(root, 0700), 0);
	assert_int_equal(chmod(root, 0777), 0);
	assert_int_equal(run_dir_create(root, "p", "run", &run, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	assert_non_null(strstr(err.text, "sticky bit"));
	assert_int_equal(chmod(root, 02770), 0);          /* a group's, not sticky */
	assert_int_equal(run_dir_create(root, "p", "run", &run, &err), -1);
	assert_int_equal(chmod(root, 01777), 0);          /* as /tmp */
	assert_int_equal(run_dir_create(root, "p", "run", &run, &err), 0);
	run_dir_free(run);
	assert_int_equal(chmod(root, 0755), 0);
	if (geteuid() == 0 && nobody) {
		assert_int_equal(chown(root, nobody->pw_uid, nobody->pw_gid), 0);
		assert_int_equal(run_dir_create(root, "p", "run", &run, &err), -1);
		assert_non_null(strstr(err.text, "belongs to another user"));
	} else {
		print_message("part skipped: needs root to give the runs directory to nobody\n");
	}
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(another_users_run_is_neither_listed_nor_found),
		cmocka_unit_test(another_users_run_by_path_is_refused_for_a_change),
		cmocka_unit_test(another_users_cache_is_not_read),
		cmocka_unit_test(runs_go_only_where_nobody_else_can_rename_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
