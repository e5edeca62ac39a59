/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a task may leave in events/ (it writes there as the job user, issue
 * 11): links, FIFOs, sockets, directories and unreadable files named like
 * event files, endless or garbage lines, and lines that claim another
 * step. Each is skipped without stopping or blocking the poll, reported
 * once, and (entries) never examined again. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "event_file.h"
#include "event_reader.h"
#include "test/tmpdir.h"

#define START(job) "{\"event\":\"start\",\"job_id\":" #job ",\"step_id\":\"batch\",\"restart_count\":0}\n"

static int count(const char *file_name, json_t *event, void *ctx)
{
	(void)file_name;
	(void)event;
	++*(int *)ctx;
	return 0;
}

static void write_bytes(const char *dir, const char *name, const char *bytes, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "a"));
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	fclose(f);
}

static void append(const char *dir, const char *name, const char *text)
{
	write_bytes(dir, name, text, strlen(text));
}

static void link_in(const char *dir, const char *target, const char *name)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(symlink(target, path), 0);
}

static struct event_reader_stats stats(const struct event_reader *r)
{
	struct event_reader_stats st;

	event_reader_stats(r, &st);
	return st;
}

/* Links of every kind, followed never, opened never again. */
static void links_are_never_followed(bool watch)
{
	char *dir = tmpdir_create(), *away = tmpdir_create(), target[4096];
	struct event_reader *r = event_reader_new(dir);
	const char *first;
	size_t opens;
	int n = 0;

	event_reader_watch(r, watch);
	assert_int_equal(event_reader_poll(r, count, &n), 0);  /* a watched one: named later */
	append(away, "9.batch.0.jsonl", START(9));
	snprintf(target, sizeof target, "%s/9.batch.0.jsonl", away);
	link_in(dir, target, "x.jsonl");
	link_in(dir, target, "2.batch.0.jsonl");
	link_in(dir, away, "3.batch.0.jsonl");
	link_in(dir, "/nonexistent/4.batch.0.jsonl", "4.batch.0.jsonl");
	link_in(dir, "/dev/zero", "5.batch.0.jsonl");
	append(dir, "1.batch.0.jsonl", START(1));
	assert_int_equal(event_reader_poll(r, count, &n), 1);
	assert_int_equal(event_reader_refused(r, &first), 5);
	assert_non_null(first);
	assert_non_null(strstr(first, ".jsonl: "));
	opens = stats(r).opens;
	for (int i = 0; i < 3; i++) {  /* the listing may come again: nothing is reopened */
		assert_int_equal(event_reader_poll(r, count, &n), 0);
		assert_int_equal(event_reader_refused(r, NULL), 5);
	}
	assert_int_equal(stats(r).opens - opens, watch ? 0 : 3);  /* 1.batch.0 alone */
	assert_int_equal(n, 1);
	event_reader_free(r);
	tmpdir_remove(dir);
	tmpdir_remove(away);
}

static void links_are_never_followed_listed(void **state)
{
	(void)state;
	links_are_never_followed(false);
}

static void links_are_never_followed_watched(void **state)
{
	(void)state;
	links_are_never_followed(true);
}

/* A FIFO with no writer: opening it as before (no O_NONBLOCK) would never
 * return; the alarm turns such a hang into a failure, it times nothing. */
static void fifo_never_blocks(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), path[4096], *buf = NULL;
	struct event_file f = { .name = "1.batch.0.jsonl" };
	size_t cap = 0;
	int n = 0, fd;
	struct event_file_pass p = { .handler = count, .ctx = &n, .buf = &buf, .buf_cap = &cap };
	struct event_reader *r = event_reader_new(dir);
	const char *first;

	snprintf(path, sizeof path, "%s/1.batch.0.jsonl", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	append(dir, "2.batch.0.jsonl", START(2));
	alarm(60);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(event_file_read(&f, fd, &p), 1);  /* the open, as a watch would ask */
	assert_string_equal(p.why, "a FIFO");
	assert_int_equal(event_reader_poll(r, count, &n), 1);  /* the listing */
	assert_int_equal(event_reader_refused(r, &first), 1);
	assert_string_equal(first, "1.batch.0.jsonl: a FIFO");
	alarm(0);
	close(fd);
	free(buf);
	event_reader_free(r);
	tmpdir_remove(dir);
}

/* A mode-000 file, a directory and a socket named like event files, and a
 * readable file: 0 when the readable one is read, the others refused and
 * the poll not failed; else what went wrong. */
static int check_unreadable(const char *dir)
{
	struct event_reader *r = event_reader_new(dir);
	const char *first;
	int n = 0, rc = 0;

	if (!r)
		return 10;
	for (int i = 0; i < 2 && rc == 0; i++) {  /* the second poll reports nothing new */
		long got = event_reader_poll(r, count, &n);

		if (got != (i == 0 ? 1 : 0))
			rc = 20 + i;
		else if (event_reader_refused(r, &first) != 3 || !first)
			rc = 30 + i;
	}
	event_reader_free(r);
	return rc;
}

static void make_socket(const char *dir, const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int cwd = open(".", O_RDONLY | O_DIRECTORY), s = socket(AF_UNIX, SOCK_STREAM, 0);

	/* relative to dir: a socket's path must fit in sun_path */
	snprintf(a.sun_path, sizeof a.sun_path, "%s", name);
	assert_true(cwd >= 0 && s >= 0);
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(fchdir(cwd), 0);
	close(s);
	close(cwd);
}

/* As root, mode 000 stops no read: the check then runs in a child that has
 * become nobody, as the orchestrator of an ordinary user would. */
static void unreadable_entries_are_refused(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), path[4096];
	struct passwd *nobody = getpwnam("nobody");
	int status;
	pid_t pid;

	append(dir, "1.batch.0.jsonl", "\x01\x02garbage\n");
	snprintf(path, sizeof path, "%s/1.batch.0.jsonl", dir);
	assert_int_equal(chmod(path, 0), 0);
	snprintf(path, sizeof path, "%s/3.batch.0.jsonl", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	make_socket(dir, "4.batch.0.jsonl");
	append(dir, "2.batch.0.jsonl", START(2));
	if (geteuid() != 0) {
		assert_int_equal(check_unreadable(dir), 0);
	} else {
		if (!nobody)
			skip();
		assert_true((pid = fork()) >= 0);
		if (pid == 0)
			_exit(setgid(nobody->pw_gid) || setuid(nobody->pw_uid) ? 2
			      : access(dir, R_OK | X_OK) != 0 ? 77 : check_unreadable(dir));
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
			skip();  /* nobody cannot reach the scratch directory */
		assert_int_equal(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
	}
	tmpdir_remove(dir);
}

/* As root the mode-000 file is read: its garbage is skipped, not fatal. */
static void unreadable_garbage_read_as_root_is_skipped(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), path[4096];
	struct event_reader *r = event_reader_new(dir);
	int n = 0;

	if (geteuid() != 0)
		skip();  /* needs root: mode 000 stops everyone else */
	append(dir, "1.batch.0.jsonl", "\x01\x02garbage\n");
	snprintf(path, sizeof path, "%s/1.batch.0.jsonl", dir);
	assert_int_equal(chmod(path, 0), 0);
	append(dir, "2.batch.0.jsonl", START(2));
	assert_int_equal(event_reader_poll(r, count, &n), 1);
	assert_int_equal(event_reader_bad_lines(r), 1);
	event_reader_free(r);
	tmpdir_remove(dir);
}

/* A last line without its newline is held, however long it grows, and
 * never parsed half: here its first half is a whole JSON object. */
static void growing_partial_line_is_held_to_its_newline(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), *chunk = malloc(100000);
	struct event_reader *r = event_reader_new(dir);
	int n = 0;

	append(dir, "1.batch.0.jsonl", START(1) "{\"event\":\"start\"}");
	assert_int_equal(event_reader_poll(r, count, &n), 1);
	memset(chunk, ' ', 99999);
	chunk[99999] = '\0';
	for (int i = 0; i < 3; i++) {  /* past the 64 KiB the reader reads at once */
		append(dir, "1.batch.0.jsonl", chunk);
		assert_int_equal(event_reader_poll(r, count, &n), 0);
	}
	append(dir, "1.batch.0.jsonl", ",\n");  /* now a whole line, and not JSON */
	assert_int_equal(event_reader_poll(r, count, &n), 0);
	assert_int_equal(event_reader_bad_lines(r), 1);
	append(dir, "1.batch.0.jsonl", START(1));
	assert_int_equal(event_reader_poll(r, count, &n), 1);
	free(chunk);
	event_reader_free(r);
	tmpdir_remove(dir);
}

/* Binary, invalid UTF-8, NUL bytes raw and escaped: each line skipped, the
 * lines around them read. */
static void garbage_lines_are_skipped(void **state)
{
	(void)state;
	static const char lines[] =
		START(1)
		"\x7f" "ELF\x01\x02\x00\x00\xff\xfe\n"
		"{\"event\":\"start\",\"node\":\"\xc3\x28\"}\n"
		"{\"event\":\"start\",\"node\":\"a\\u0000b\"}\n"
		"{\"event\":\"start\"}\x00\n"
		START(1);
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	int n = 0;

	write_bytes(dir, "1.batch.0.jsonl", lines, sizeof lines - 1);
	assert_int_equal(event_reader_poll(r, count, &n), 2);
	assert_int_equal(event_reader_bad_lines(r), 4);
	event_reader_free(r);
	tmpdir_remove(dir);
}

/* A 10 MB line refuses its file as soon as it is too long to be an event
 * (its newline not yet there), without being held whole: the lines before
 * it are read, nothing after it, and the other files on. So does a sparse
 * terabyte of zeros, read no further than EVENT_LINE_MAX + 1 bytes (the
 * alarm turns reading it all into a failure; it times nothing). */
static void overlong_line_refuses_its_file(void **state)
{
	(void)state;
	size_t len = 10 * 1024 * 1024;
	char *dir = tmpdir_create(), *line = malloc(len), path[4096];
	struct event_reader *r = event_reader_new(dir);
	const char *first;
	size_t opens;
	int n = 0, fd;

	memset(line, 'x', len);
	line[0] = '{';
	append(dir, "1.batch.0.jsonl", START(1));
	write_bytes(dir, "1.batch.0.jsonl", line, len);
	append(dir, "2.batch.0.jsonl", START(2));
	snprintf(path, sizeof path, "%s/3.batch.0.jsonl", dir);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0644)) >= 0);
	if (ftruncate(fd, (off_t)1 << 40) != 0)
		assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);  /* a filesystem's limit */
	close(fd);
	alarm(60);
	assert_int_equal(event_reader_poll(r, count, &n), 2);
	alarm(0);
	assert_int_equal(event_reader_bad_lines(r), 2);
	assert_int_equal(event_reader_refused(r, &first), 2);
	assert_non_null(strstr(first, ".batch.0.jsonl: a line longer than 1048576 bytes at byte "));
	opens = stats(r).opens;
	append(dir, "1.batch.0.jsonl", "\n" START(1));
	append(dir, "2.batch.0.jsonl", START(2));
	assert_int_equal(event_reader_poll(r, count, &n), 1);
	assert_int_equal(stats(r).opens - opens, 1);
	free(line);
	event_reader_free(r);
	tmpdir_remove(dir);
}

struct claims {
	int count;
	long job;
};

static int claim(const char *file_name, json_t *event, void *ctx)
{
	struct claims *c = ctx;

	(void)file_name;
	c->count++;
	c->job = (long)json_integer_value(json_object_get(event, "job_id"));
	return 0;
}

/* A line of 17.batch.0.jsonl that claims job 18, another step or another
 * restart (or to be a scenario record) is not handed on; the file's own
 * lines are, and so are those of a pack's file that are its own. */
static void forged_lines_do_not_count(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	struct claims c = { 0, 0 };

	append(dir, "17.batch.0.jsonl",
	       "{\"event\":\"start\",\"job_id\":18,\"step_id\":\"batch\",\"restart_count\":0}\n"
	       "{\"event\":\"end\",\"job_id\":17,\"step_id\":\"extern\",\"restart_count\":0}\n"
	       "{\"event\":\"end\",\"job_id\":17,\"step_id\":\"batch\",\"restart_count\":1}\n"
	       "{\"event_type\":\"scenario\",\"event\":\"scenario_end\",\"job_id\":17}\n"
	       "{\"event_type\":\"step\",\"event\":\"start\",\"job_id\":17,\"step_id\":\"batch\","
	       "\"restart_count\":0}\n");
	append(dir, "pack.5_3.1.jsonl",
	       "{\"event_type\":\"scenario\",\"array_job_id\":5,\"array_task_id\":4,"
	       "\"restart_count\":1}\n"
	       "{\"event_type\":\"step\",\"array_job_id\":5,\"array_task_id\":3,\"restart_count\":1}\n"
	       "{\"event_type\":\"scenario\",\"array_job_id\":5,\"array_task_id\":3,"
	       "\"restart_count\":1,\"job_id\":17}\n");
	assert_int_equal(event_reader_poll(r, claim, &c), 2);
	assert_int_equal(c.job, 17);
	assert_int_equal(event_reader_bad_lines(r), 6);
	assert_int_equal(event_reader_forged(r), 6);
	event_reader_free(r);
	tmpdir_remove(dir);
}

/* Each node of a step on several writes its own file: the lines of both
 * count; a line in node 1's file that claims node 0 (or a one-node file's
 * line that claims node 1) is forged. */
static void each_node_file_holds_its_own_lines(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	struct claims c = { 0, 0 };

	append(dir, "17.0.0.0.jsonl",
	       "{\"event\":\"end\",\"job_id\":17,\"step_id\":\"0\",\"node_index\":0}\n");
	append(dir, "17.0.0.1.jsonl",
	       "{\"event\":\"end\",\"job_id\":17,\"step_id\":\"0\",\"node_index\":1}\n"
	       "{\"event\":\"end\",\"job_id\":17,\"step_id\":\"0\",\"node_index\":0}\n");
	append(dir, "17.1.0.jsonl",
	       "{\"event\":\"end\",\"job_id\":17,\"step_id\":\"1\",\"node_index\":null}\n"
	       "{\"event\":\"end\",\"job_id\":17,\"step_id\":\"1\",\"node_index\":1}\n");
	assert_int_equal(event_reader_poll(r, claim, &c), 3);
	assert_int_equal(event_reader_forged(r), 2);
	event_reader_free(r);
	tmpdir_remove(dir);
}

/* A *.jsonl the writers never name so is nobody's: refused unread. */
static void file_named_for_no_step_is_refused(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	const char *first;
	int n = 0;

	append(dir, "x.jsonl", START(1));
	append(dir, "01.batch.0.jsonl", START(1));
	append(dir, "1.batch.0.01.jsonl", START(1));
	append(dir, "1.batch.0.1.x.jsonl", START(1));
	append(dir, "1.batch.0.jsonl", START(1));
	assert_int_equal(event_reader_poll(r, count, &n), 1);
	assert_int_equal(event_reader_refused(r, &first), 4);
	assert_non_null(strstr(first, "not an event file's name"));
	assert_int_equal(stats(r).opens, 1);
	event_reader_free(r);
	tmpdir_remove(dir);
}

/* 2,000 junk entries (links, FIFOs, directories, files named for no step)
 * cost the listings and are never opened: not at the first poll (the
 * listing's d_type says enough) nor at any later one. */
static void junk_is_remembered_not_reopened(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), name[64], path[4096];
	struct event_reader *r = event_reader_new(dir);
	int n = 0;

	event_reader_watch(r, false);  /* polled: every listing sees them all again */
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "%d.batch.0.jsonl", 1000 + i);
		link_in(dir, "/dev/zero", name);
		snprintf(path, sizeof path, "%s/%d.batch.0.jsonl", dir, 2000 + i);
		assert_int_equal(mkfifo(path, 0644), 0);
		snprintf(path, sizeof path, "%s/%d.batch.0.jsonl", dir, 3000 + i);
		assert_int_equal(mkdir(path, 0755), 0);
		snprintf(name, sizeof name, "junk%d.jsonl", i);
		append(dir, name, START(1));
	}
	append(dir, "1.batch.0.jsonl", START(1));
	for (int i = 0; i < EVENT_READER_RELIST_POLLS + 1; i++)
		event_reader_poll(r, count, &n);
	assert_int_equal(n, 1);
	assert_int_equal(event_reader_refused(r, NULL), 2000);
	assert_true(stats(r).listings >= 2);
	assert_int_equal(stats(r).opens, EVENT_READER_RELIST_POLLS + 1);  /* 1.batch.0 alone */
	event_reader_free(r);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(links_are_never_followed_listed),
		cmocka_unit_test(links_are_never_followed_watched),
		cmocka_unit_test(fifo_never_blocks),
		cmocka_unit_test(unreadable_entries_are_refused),
		cmocka_unit_test(unreadable_garbage_read_as_root_is_skipped),
		cmocka_unit_test(growing_partial_line_is_held_to_its_newline),
		cmocka_unit_test(garbage_lines_are_skipped),
		cmocka_unit_test(overlong_line_refuses_its_file),
		cmocka_unit_test(forged_lines_do_not_count),
		cmocka_unit_test(each_node_file_holds_its_own_lines),
		cmocka_unit_test(file_named_for_no_step_is_refused),
		cmocka_unit_test(junk_is_remembered_not_reopened),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
