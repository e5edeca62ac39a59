/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plugin's security rules, exercised as root against real directories:
 * files in user-controlled places are written by a child that has become the
 * job user; symlinks are never followed into root-owned places; the admin
 * spool accepts only root-owned directories; every child is bounded in time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "admin_spool_sink.h"
#include "child_process.h"
#include "run_dir_sink.h"
#include "test/tmpdir.h"

#define NOBODY 65534
#define LINE "{\"event\":\"start\"}\n"

static struct job_identity nobody = { NOBODY, NOBODY, NULL, 0 };

static int need_root(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "# these tests need root (they drop to uid %d)\n", NOBODY);
		skip();
	}
	return 0;
}

static char *path_in(const char *dir, const char *rel)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		abort();
	return p;
}

/* A run directory the job user owns. */
static char *user_run_dir(const char *root)
{
	char *run = path_in(root, "run");
	assert_int_equal(mkdir(run, 0755), 0);
	assert_int_equal(chown(run, NOBODY, NOBODY), 0);
	return run;
}

static int append(const char *run_dir, int *err)
{
	return run_dir_append(&nobody, run_dir, NULL, "7.batch.0.jsonl", LINE, strlen(LINE), 5000,
			      err);
}

/* The same in layout 2's subdirectory 9000/0. */
static int append_fanned(const char *run_dir, int *err)
{
	return run_dir_append(&nobody, run_dir, "9000/0", "7.batch.0.jsonl", LINE, strlen(LINE),
			      5000, err);
}

static bool exists(const char *dir, const char *rel)
{
	char *path = path_in(dir, rel);
	bool there = access(path, F_OK) == 0;
	free(path);
	return there;
}

static uid_t owner_of(const char *dir, const char *rel)
{
	char *path = path_in(dir, rel);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	free(path);
	return st.st_uid;
}

static void fans_out_as_the_job_user(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *run = user_run_dir(root);
	int err = 0;
	assert_int_equal(append_fanned(run, &err), CHILD_OK);
	assert_int_equal(append_fanned(run, &err), CHILD_OK);
	assert_int_equal(tmpdir_count_lines(run, "events/9000/0/7.batch.0.jsonl"), 2);
	assert_int_equal(owner_of(run, "events"), NOBODY);
	assert_int_equal(owner_of(run, "events/9000"), NOBODY);
	assert_int_equal(owner_of(run, "events/9000/0"), NOBODY);
	assert_int_equal(owner_of(run, "events/9000/0/7.batch.0.jsonl"), NOBODY);
	free(run);
	tmpdir_remove(root);
}

/* A level of the subdirectory that is a symlink (to a directory the job
 * user may write, or to a root-owned one) is not followed. */
static void subdir_symlink_is_not_followed(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *run = user_run_dir(root);
	char *elsewhere = path_in(root, "elsewhere");
	char *events = path_in(run, "events");
	char *level = path_in(run, "events/9000");
	int err = 0;
	assert_int_equal(mkdir(elsewhere, 0777), 0);
	assert_int_equal(mkdir(events, 0755), 0);
	assert_int_equal(chown(events, NOBODY, NOBODY), 0);
	assert_int_equal(symlink(elsewhere, level), 0);
	assert_int_equal(append_fanned(run, &err), CHILD_FAILED);
	assert_true(err == ENOTDIR || err == ELOOP);
	assert_false(exists(root, "elsewhere/0"));
	assert_int_equal(unlink(level), 0);
	assert_int_equal(symlink(root, level), 0);  /* root-owned, 0755 */
	assert_int_equal(append_fanned(run, &err), CHILD_FAILED);
	assert_false(exists(root, "0"));
	free(level);
	free(events);
	free(elsewhere);
	free(run);
	tmpdir_remove(root);
}

/* A root-owned level in the way: the job user cannot write there. */
static void root_owned_level_is_refused(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *run = user_run_dir(root);
	char *events = path_in(run, "events");
	int err = 0;
	assert_int_equal(mkdir(events, 0755), 0);  /* root's */
	assert_int_equal(append_fanned(run, &err), CHILD_FAILED);
	assert_int_equal(err, EACCES);
	assert_int_equal(tmpdir_count_lines(run, "events/9000/0/7.batch.0.jsonl"), -1);
	free(events);
	free(run);
	tmpdir_remove(root);
}

static void writes_as_the_job_user(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *run = user_run_dir(root);
	int err = 0;
	assert_int_equal(append(run, &err), CHILD_OK);
	assert_int_equal(append(run, &err), CHILD_OK);
	char *file = path_in(run, "events/7.batch.0.jsonl");
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(tmpdir_count_lines(run, "events/7.batch.0.jsonl"), 2);
	free(file);
	free(run);
	tmpdir_remove(root);
}

static void symlink_into_root_owned_dir_is_refused(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *target = path_in(root, "rootonly");
	char *link = path_in(root, "link");
	assert_int_equal(mkdir(target, 0755), 0);
	assert_int_equal(symlink(target, link), 0);
	int err = 0;
	assert_int_equal(append(link, &err), CHILD_FAILED);
	assert_int_equal(err, EACCES);
	char *events = path_in(target, "events");
	assert_int_equal(access(events, F_OK), -1);
	free(events);
	free(link);
	free(target);
	tmpdir_remove(root);
}

static void dangling_symlink_is_refused(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *link = path_in(root, "dangling");
	char *target = path_in(root, "nowhere");
	assert_int_equal(symlink(target, link), 0);
	int err = 0;
	assert_int_equal(append(link, &err), CHILD_FAILED);
	assert_int_equal(err, ENOENT);
	assert_int_equal(access(target, F_OK), -1);
	free(target);
	free(link);
	tmpdir_remove(root);
}

static void events_symlink_is_not_followed(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *run = user_run_dir(root);
	char *elsewhere = path_in(root, "elsewhere");
	char *events = path_in(run, "events");
	assert_int_equal(mkdir(elsewhere, 0777), 0);
	assert_int_equal(symlink(elsewhere, events), 0);
	int err = 0;
	assert_int_equal(append(run, &err), CHILD_FAILED);
	assert_int_equal(tmpdir_count_lines(elsewhere, "7.batch.0.jsonl"), -1);
	free(events);
	free(elsewhere);
	free(run);
	tmpdir_remove(root);
}

static void event_file_symlink_is_not_followed(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *run = user_run_dir(root);
	char *events = path_in(run, "events");
	char *victim = path_in(root, "victim");
	char *file = path_in(events, "7.batch.0.jsonl");
	assert_int_equal(mkdir(events, 0755), 0);
	assert_int_equal(chown(events, NOBODY, NOBODY), 0);
	tmpdir_write(root, "victim", "root's data\n");
	assert_int_equal(chmod(victim, 0666), 0); /* even a file nobody may write */
	assert_int_equal(symlink(victim, file), 0);
	int err = 0;
	assert_int_equal(append(run, &err), CHILD_FAILED);
	assert_int_equal(err, ELOOP);
	assert_int_equal(tmpdir_count_lines(root, "victim"), 1);
	free(file);
	free(victim);
	free(events);
	free(run);
	tmpdir_remove(root);
}

static void unwritable_run_dir_is_refused(void **state)
{
	need_root(state);
	char *root = tmpdir_create(); /* root-owned 0755: nobody cannot write */
	int err = 0;
	assert_int_equal(append(root, &err), CHILD_FAILED);
	assert_int_equal(err, EACCES);
	char *events = path_in(root, "events");
	assert_int_equal(access(events, F_OK), -1);
	free(events);
	tmpdir_remove(root);
}

static void implausible_run_dirs(void **state)
{
	(void)state;
	assert_true(run_dir_is_plausible("/home/u/.scalable/runs/run-1"));
	assert_false(run_dir_is_plausible(""));
	assert_false(run_dir_is_plausible("relative/run"));
	assert_false(run_dir_is_plausible("/a/../etc"));
	assert_false(run_dir_is_plausible("/a/.."));
	assert_false(run_dir_is_plausible("/a\nb"));
	assert_false(run_dir_is_plausible("/a\x1b[31m"));
}

static int report_identity(void *arg)
{
	(void)arg;
	gid_t groups[4];
	int n = getgroups(4, groups);
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	return (r == NOBODY && e == NOBODY && s == NOBODY && getegid() == NOBODY && n == 0) ? 0 : 1;
}

static void child_drops_every_id(void **state)
{
	need_root(state);
	int err = 0;
	assert_int_equal(run_in_child(&nobody, 5000, report_identity, NULL, &err), CHILD_OK);
}

static int sleep_long(void *arg)
{
	(void)arg;
	sleep(30);
	return 0;
}

static void child_is_killed_at_its_deadline(void **state)
{
	(void)state;
	int err = 0;
	assert_int_equal(run_in_child(NULL, 50, sleep_long, NULL, &err), CHILD_TIMED_OUT);
}

/* A child killed at its deadline is reaped, at the latest by
 * child_reap_pending: slurmstepd is left no zombie of ours. */
static void a_child_killed_at_its_deadline_is_reaped(void **state)
{
	(void)state;
	int err = 0;
	assert_int_equal(run_in_child(NULL, 50, sleep_long, NULL, &err), CHILD_TIMED_OUT);
	assert_int_equal(child_reap_pending(10000), 0);
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* A FIFO planted as the event file is refused at once (it held the sink
 * until its timeout, in open, before O_NONBLOCK), with a reader or without. */
static void a_fifo_event_file_is_refused_at_once(void **state)
{
	need_root(state);
	char *root = tmpdir_create();
	char *run = user_run_dir(root);
	char *events = path_in(run, "events");
	char *fifo = path_in(events, "7.batch.0.jsonl");
	assert_int_equal(mkdir(events, 0755), 0);
	assert_int_equal(chown(events, NOBODY, NOBODY), 0);
	assert_int_equal(mkfifo(fifo, 0666), 0);
	assert_int_equal(chmod(fifo, 0666), 0);   /* past the umask: the job user may open it */
	int err = 0;
	assert_int_equal(append(run, &err), CHILD_FAILED);
	int reader = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(reader >= 0);
	assert_int_equal(append(run, &err), CHILD_FAILED);
	assert_int_equal(err, EINVAL);
	close(reader);
	free(fifo);
	free(events);
	free(run);
	tmpdir_remove(root);
}

static int spool_append(const char *spool, int *err)
{
	return admin_spool_append(spool, 1234, 4321, "7.batch.0.jsonl", LINE, strlen(LINE), 5000, err);
}

static void spool_gets_a_root_owned_user_dir(void **state)
{
	need_root(state);
	char *spool = tmpdir_create();
	int err = 0;
	assert_int_equal(spool_append(spool, &err), CHILD_OK);
	char *user = path_in(spool, "1234");
	struct stat st;
	assert_int_equal(stat(user, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 4321);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_int_equal(tmpdir_count_lines(spool, "1234/7.batch.0.jsonl"), 1);
	free(user);
	tmpdir_remove(spool);
}

static void spool_not_owned_by_root_is_refused(void **state)
{
	need_root(state);
	char *spool = tmpdir_create();
	int err = 0;
	assert_int_equal(chown(spool, NOBODY, NOBODY), 0);
	assert_int_equal(spool_append(spool, &err), CHILD_FAILED);
	assert_int_equal(err, EPERM);
	assert_int_equal(chown(spool, 0, 0), 0);
	assert_int_equal(chmod(spool, 0777), 0);
	assert_int_equal(spool_append(spool, &err), CHILD_FAILED);
	assert_int_equal(err, EPERM);
	tmpdir_remove(spool);
}

static void spool_user_dir_symlink_is_refused(void **state)
{
	need_root(state);
	char *spool = tmpdir_create();
	char *elsewhere = tmpdir_create();
	char *user = path_in(spool, "1234");
	assert_int_equal(symlink(elsewhere, user), 0);
	int err = 0;
	assert_int_equal(spool_append(spool, &err), CHILD_FAILED);
	assert_int_equal(tmpdir_count_lines(elsewhere, "7.batch.0.jsonl"), -1);
	free(user);
	tmpdir_remove(elsewhere);
	tmpdir_remove(spool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_as_the_job_user),
		cmocka_unit_test(fans_out_as_the_job_user),
		cmocka_unit_test(subdir_symlink_is_not_followed),
		cmocka_unit_test(root_owned_level_is_refused),
		cmocka_unit_test(symlink_into_root_owned_dir_is_refused),
		cmocka_unit_test(dangling_symlink_is_refused),
		cmocka_unit_test(events_symlink_is_not_followed),
		cmocka_unit_test(event_file_symlink_is_not_followed),
		cmocka_unit_test(unwritable_run_dir_is_refused),
		cmocka_unit_test(implausible_run_dirs),
		cmocka_unit_test(child_drops_every_id),
		cmocka_unit_test(child_is_killed_at_its_deadline),
		cmocka_unit_test(a_child_killed_at_its_deadline_is_reaped),
		cmocka_unit_test(a_fifo_event_file_is_refused_at_once),
		cmocka_unit_test(spool_gets_a_root_owned_user_dir),
		cmocka_unit_test(spool_not_owned_by_root_is_refused),
		cmocka_unit_test(spool_user_dir_symlink_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
