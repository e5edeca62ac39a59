/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading events/ in both layouts: files in events/ itself (layout 1) and in
 * events/<array job>/<bucket>/ (layout 2) in one run, directories that
 * appear later, symlinks not followed, a quiet tree not listed again, files
 * already known skipped in every directory. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "event_tree.h"
#include "test/tmpdir.h"

#define START(job) "{\"event\":\"start\",\"job_id\":" #job "}\n"
#define END(job) "{\"event\":\"end\",\"job_id\":" #job "}\n"

struct seen {
	int count;
	long jobs;          /* the sum of the job ids seen */
	int stop_after;     /* 0: never */
};

static int remember(const char *file_name, json_t *event, void *ctx)
{
	struct seen *s = ctx;

	assert_null(strchr(file_name, '/'));
	s->count++;
	s->jobs += (long)json_integer_value(json_object_get(event, "job_id"));
	return s->stop_after && s->count >= s->stop_after;
}

static void append(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (!(f = fopen(path, "a"))) {
		tmpdir_write(dir, rel, text);  /* makes the directories */
		return;
	}
	fputs(text, f);
	fclose(f);
}

/* Sets the mtime of dir/rel an hour back: a directory that changed long ago. */
static void age(const char *dir, const char *rel)
{
	char path[4096];
	struct timespec times[2] = { { time(NULL) - 3600, 0 }, { time(NULL) - 3600, 0 } };

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void both_layouts_in_one_run(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_tree *t = event_tree_new(dir);
	struct seen s = { 0 };

	append(dir, "1.batch.0.jsonl", START(1));                 /* layout 1 */
	append(dir, "9000/0/2.batch.0.jsonl", START(2));          /* layout 2 */
	append(dir, "9000/1/3.batch.0.jsonl", START(3) END(3));
	append(dir, "job/0/4.batch.0.jsonl", START(4));
	append(dir, "9000/0/notes.txt", "not an event\n");
	assert_int_equal(event_tree_poll(t, remember, &s), 5);
	assert_int_equal(s.jobs, 1 + 2 + 3 + 3 + 4);
	assert_int_equal(event_tree_poll(t, remember, &s), 0);
	append(dir, "9000/0/2.batch.0.jsonl", END(2));
	append(dir, "1.batch.0.jsonl", "{\"event\":");                  /* torn */
	assert_int_equal(event_tree_poll(t, remember, &s), 1);
	assert_int_equal(s.jobs, 13 + 2);
	append(dir, "job/0/4.batch.0.jsonl", "garbage\n");
	assert_int_equal(event_tree_poll(t, remember, &s), 0);
	assert_int_equal(event_tree_bad_lines(t), 1);
	event_tree_free(t);
	tmpdir_remove(dir);
}

static void directories_made_later_are_found(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_tree *t = event_tree_new(dir);
	struct seen s = { 0 };

	assert_int_equal(event_tree_poll(t, remember, &s), 0);   /* empty events/ */
	append(dir, "9000/0/2.batch.0.jsonl", START(2));
	assert_int_equal(event_tree_poll(t, remember, &s), 1);
	append(dir, "9000/7/5.batch.0.jsonl", START(5));         /* a new bucket */
	append(dir, "9001/0/6.batch.0.jsonl", START(6));         /* a new array job */
	assert_int_equal(event_tree_poll(t, remember, &s), 2);
	assert_int_equal(s.jobs, 2 + 5 + 6);
	event_tree_free(t);
	tmpdir_remove(dir);
}

/* Once nothing changed (mtimes older than EVENT_READER_RACY_S), a poll
 * lists no directory; a new bucket changes its array job's directory,
 * which is listed again, and only it. */
static void a_quiet_tree_is_not_listed_again(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_tree *t = event_tree_new(dir);
	struct event_reader_stats before, after;
	struct event_tree_stats dirs_before, dirs_after;
	struct seen s = { 0 };
	static const char *const dirs[] = { "9000/0", "9000/1", "9000", "9001/0", "9001", "." };

	append(dir, "9000/0/2.batch.0.jsonl", START(2) END(2));
	append(dir, "9000/1/3.batch.0.jsonl", START(3) END(3));
	append(dir, "9001/0/4.batch.0.jsonl", START(4) END(4));
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		age(dir, dirs[i]);
	assert_int_equal(event_tree_poll(t, remember, &s), 6);
	event_tree_stats(t, &before);
	event_tree_dir_stats(t, &dirs_before);
	assert_int_equal(dirs_before.dirs, 5);
	assert_int_equal(dirs_before.leaf_polls, 3);
	assert_int_equal(before.files, 3);
	assert_int_equal(before.ended, 3);
	assert_int_equal(event_tree_poll(t, remember, &s), 0);
	event_tree_stats(t, &after);
	assert_int_equal(after.listings, before.listings);
	assert_int_equal(after.opens, before.opens);
	event_tree_dir_stats(t, &dirs_after);
	assert_int_equal(dirs_after.leaf_polls, 3);   /* ended and unchanged: a stat each */
	append(dir, "9000/2/5.batch.0.jsonl", START(5));
	assert_int_equal(event_tree_poll(t, remember, &s), 1);
	event_tree_stats(t, &after);
	/* 9000 for its new bucket, and the bucket: neither events/ nor 9001 */
	assert_int_equal(after.listings, before.listings + 2);
	event_tree_dir_stats(t, &dirs_after);
	assert_int_equal(dirs_after.leaf_polls, 4);   /* only the new one was read */
	append(dir, "9000/2/5.batch.0.jsonl", END(5));
	assert_int_equal(event_tree_poll(t, remember, &s), 1);  /* not ended: read */
	append(dir, "9000/0/6.batch.0.jsonl", START(6));       /* a leaf read before */
	assert_int_equal(event_tree_poll(t, remember, &s), 1);
	event_tree_free(t);
	tmpdir_remove(dir);
}

static void symlinked_directories_are_not_followed(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), *elsewhere = tmpdir_create();
	char link[4096], target[4096];
	struct event_tree *t = event_tree_new(dir);
	struct seen s = { 0 };

	append(elsewhere, "0/7.batch.0.jsonl", START(7));
	append(elsewhere, "8.batch.0.jsonl", START(8));
	append(dir, "9000/0/2.batch.0.jsonl", START(2));
	snprintf(link, sizeof link, "%s/9001", dir);
	assert_int_equal(symlink(elsewhere, link), 0);          /* a first level */
	snprintf(link, sizeof link, "%s/9000/1", dir);
	assert_int_equal(symlink(elsewhere, link), 0);          /* a leaf */
	snprintf(target, sizeof target, "%s/0", elsewhere);
	snprintf(link, sizeof link, "%s/9000/2", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(event_tree_poll(t, remember, &s), 1);
	assert_int_equal(s.jobs, 2);
	event_tree_free(t);
	tmpdir_remove(elsewhere);
	tmpdir_remove(dir);
}

/* Moves dir/rel into attic (out of events/) and puts a link to target in
 * its place. */
static void replace_by_link(const char *dir, const char *rel, const char *attic,
			    const char *target)
{
	char path[4096], away[4096];

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	snprintf(away, sizeof away, "%s/%s", attic, strchr(rel, '/') ? "leaf" : "top");
	assert_int_equal(rename(path, away), 0);
	assert_int_equal(symlink(target, path), 0);
}

/* A leaf, and a first level, read before and then replaced by links (a
 * task can: it writes there as the job user): not followed, reported once,
 * the other directories read on. */
static void directories_replaced_by_links_are_not_followed(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), *elsewhere = tmpdir_create(), *attic = tmpdir_create();
	char first[512], target[4096];
	struct event_tree *t = event_tree_new(dir);
	struct seen s = { 0 };

	append(dir, "9000/0/2.batch.0.jsonl", START(2));
	append(dir, "9001/0/3.batch.0.jsonl", START(3));
	append(dir, "9002/0/4.batch.0.jsonl", START(4));
	assert_int_equal(event_tree_poll(t, remember, &s), 3);
	append(elsewhere, "0/7.batch.0.jsonl", START(7));
	append(elsewhere, "0/2.batch.0.jsonl", START(2) END(2));
	append(elsewhere, "0/3.batch.0.jsonl", START(3) END(3));
	snprintf(target, sizeof target, "%s/0", elsewhere);
	replace_by_link(dir, "9000/0", attic, target);
	replace_by_link(dir, "9001", attic, elsewhere);
	append(dir, "9002/0/4.batch.0.jsonl", END(4));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(event_tree_poll(t, remember, &s), i == 0 ? 1 : 0);
		assert_int_equal(event_tree_refused(t, first, sizeof first), 2);
	}
	assert_non_null(strstr(first, "not a directory (a link is not followed)"));
	assert_int_equal(s.jobs, 2 + 3 + 4 + 4);
	event_tree_free(t);
	tmpdir_remove(attic);
	tmpdir_remove(elsewhere);
	tmpdir_remove(dir);
}

/* In layout 2 the directory says whose lines a file holds too: array ids
 * (or, under job/, a job id) of another directory are forged. */
static void lines_of_another_directory_do_not_count(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_tree *t = event_tree_new(dir);
	struct seen s = { 0 };

	append(dir, "9000/1/2.batch.0.jsonl",
	       "{\"event\":\"start\",\"job_id\":2,\"array_job_id\":9001,\"array_task_id\":1000}\n"
	       "{\"event\":\"start\",\"job_id\":2,\"array_job_id\":9000,\"array_task_id\":7}\n"
	       "{\"event\":\"start\",\"job_id\":2,\"array_job_id\":9000,\"array_task_id\":1999}\n");
	append(dir, "job/0/1004.batch.0.jsonl", START(1004));
	append(dir, "job/1/1005.batch.0.jsonl", START(1005));
	assert_int_equal(event_tree_poll(t, remember, &s), 2);
	assert_int_equal(s.jobs, 2 + 1005);
	assert_int_equal(event_tree_forged(t), 3);
	assert_int_equal(event_tree_bad_lines(t), 3);
	event_tree_free(t);
	tmpdir_remove(dir);
}

static void missing_events_dir_is_empty(void **state)
{
	(void)state;
	struct event_tree *t = event_tree_new("/nonexistent/events");
	struct seen s = { 0 };

	assert_int_equal(event_tree_poll(t, remember, &s), 0);
	event_tree_free(t);
}

static void the_handler_stops_the_poll(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_tree *t = event_tree_new(dir);
	struct seen s = { .stop_after = 1 };

	append(dir, "9000/0/2.batch.0.jsonl", START(2));
	append(dir, "9000/1/3.batch.0.jsonl", START(3));
	assert_int_equal(event_tree_poll(t, remember, &s), 1);
	assert_int_equal(s.count, 1);
	s.stop_after = 0;
	assert_int_equal(event_tree_poll(t, remember, &s), 1);  /* the other one */
	assert_int_equal(s.jobs, 5);
	event_tree_free(t);
	tmpdir_remove(dir);
}

static bool known_job_5_or_6(const char *file_name, void *ctx)
{
	(void)ctx;
	return !strncmp(file_name, "5.", 2) || !strncmp(file_name, "6.", 2);
}

/* event_tree_skip_known reaches every directory's reader, the leaves found
 * after it was set among them; a leaf still being written is watched
 * (inotify) where the filesystem allows it, and gives its watch back once
 * its files have all ended. */
static void known_files_are_skipped_in_every_directory(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_tree *t = event_tree_new(dir);
	struct event_reader_stats st;
	struct seen s = { 0 };

	append(dir, "5.batch.0.jsonl", START(5));                 /* layout 1 */
	append(dir, "9000/0/6.batch.0.jsonl", START(6));          /* layout 2 */
	append(dir, "9000/0/7.batch.0.jsonl", START(7));
	event_tree_skip_known(t, known_job_5_or_6, NULL);
	assert_int_equal(event_tree_poll(t, remember, &s), 1);
	assert_int_equal(s.jobs, 7);
	event_tree_skip_known(t, NULL, NULL);
	event_tree_stats(t, &st);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.skipped, 2);
	append(dir, "9000/0/7.batch.0.jsonl", END(7));
	append(dir, "9000/0/8.batch.0.jsonl", START(8) END(8));
	assert_int_equal(event_tree_poll(t, remember, &s), 3);
	assert_int_equal(s.jobs, 7 + 7 + 8 + 8);
	age(dir, "9000/0");         /* quiet: not due by its stat after one listing */
	assert_int_equal(event_tree_poll(t, remember, &s), 0);
	assert_int_equal(event_tree_poll(t, remember, &s), 0);
	event_tree_stats(t, &st);
	assert_false(st.watched);   /* every file ended: no watch kept */
	append(dir, "9000/0/9.batch.0.jsonl", START(9));
	assert_int_equal(event_tree_poll(t, remember, &s), 1);
	event_tree_free(t);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(both_layouts_in_one_run),
		cmocka_unit_test(directories_made_later_are_found),
		cmocka_unit_test(a_quiet_tree_is_not_listed_again),
		cmocka_unit_test(symlinked_directories_are_not_followed),
		cmocka_unit_test(directories_replaced_by_links_are_not_followed),
		cmocka_unit_test(lines_of_another_directory_do_not_count),
		cmocka_unit_test(missing_events_dir_is_empty),
		cmocka_unit_test(the_handler_stops_the_poll),
		cmocka_unit_test(known_files_are_skipped_in_every_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
