/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Incremental reading of events/: only complete new lines, truncated last
 * lines left for later, garbage skipped without hiding what follows; files
 * of ended steps never opened again, the directory listed again only when
 * it changed (or at the latest after EVENT_READER_RELIST_POLLS polls);
 * where the kernel tells what changed (inotify, on the test's local
 * directory), only the files it names are opened and the directory is
 * listed once. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "dir_watch.h"
#include "event_reader.h"
#include "test/tmpdir.h"

struct seen {
	int count;
	long last_seq;
};

static int remember(const char *file_name, json_t *event, void *ctx)
{
	(void)file_name;
	struct seen *s = ctx;
	s->count++;
	s->last_seq = (long)json_integer_value(json_object_get(event, "seq"));
	return 0;
}

static void append(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void reads_only_what_is_new(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	struct seen s = { 0, 0 };
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	append(dir, "1.batch.0.jsonl", "{\"seq\":1}\n{\"seq\":2}\n");
	append(dir, "3.batch.0.jsonl", "{\"seq\":3}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 3);
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	append(dir, "1.batch.0.jsonl", "{\"seq\":4}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_seq, 4);
	assert_int_equal(s.count, 4);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void truncated_last_line_waits_for_its_end(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	struct seen s = { 0, 0 };
	append(dir, "1.batch.0.jsonl", "{\"seq\":1}\n{\"se");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	append(dir, "1.batch.0.jsonl", "q\":2}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_seq, 2);
	assert_int_equal(event_reader_bad_lines(r), 0);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void garbage_is_skipped_not_fatal(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	struct seen s = { 0, 0 };
	/* a fragment a full disk left behind, then a whole record */
	append(dir, "1.batch.0.jsonl", "{\"seq\":1,\"ev\n[1,2]\n\n{\"seq\":5}\n");
	append(dir, "notes.txt", "{\"seq\":9}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_seq, 5);
	assert_int_equal(event_reader_bad_lines(r), 2);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void missing_directory_is_empty(void **state)
{
	(void)state;
	struct event_reader *r = event_reader_new("/nonexistent/events");
	struct seen s = { 0, 0 };
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	event_reader_free(r);
}

/* Sets dir's mtime to a fixed time long past: its stat then says nothing
 * changed, as on a filesystem whose mtimes are too coarse to see a change. */
static void age_dir(const char *dir)
{
	struct timespec times[2] = { { 946684800, 0 }, { 946684800, 0 } };

	assert_int_equal(utimensat(AT_FDCWD, dir, times, 0), 0);
}

static void rename_in(const char *dir, const char *from, const char *to)
{
	char a[4096], b[4096];

	snprintf(a, sizeof a, "%s/%s", dir, from);
	snprintf(b, sizeof b, "%s/%s", dir, to);
	assert_int_equal(rename(a, b), 0);
}

static void ended_file_is_never_opened_again(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	event_reader_watch(r, false);  /* polling, as on a network filesystem */
	struct event_reader_stats st;
	struct seen s = { 0, 0 };
	append(dir, "1.batch.0.jsonl", "{\"event\":\"start\",\"seq\":1}\n"
	       "{\"event\":\"end\",\"seq\":1}\n");
	append(dir, "2.batch.0.jsonl", "{\"event\":\"start\",\"seq\":2}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 3);
	event_reader_stats(r, &st);
	assert_int_equal(st.opens, 2);
	assert_int_equal(st.ended, 1);
	/* whatever comes after its end, even across new listings, is not read */
	append(dir, "1.batch.0.jsonl", "{\"seq\":7}\n");
	for (int i = 0; i < 2 * EVENT_READER_RELIST_POLLS; i++)
		assert_int_equal(event_reader_poll(r, remember, &s), 0);
	append(dir, "3.batch.0.jsonl", "{\"seq\":3}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_seq, 3);
	event_reader_stats(r, &st);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.opens, 2 + 2 * EVENT_READER_RELIST_POLLS + 2);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void unchanged_directory_is_not_listed_again(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	event_reader_watch(r, false);  /* polling, as on a network filesystem */
	struct event_reader_stats st;
	struct seen s = { 0, 0 };
	append(dir, "1.batch.0.jsonl", "{\"event\":\"start\",\"seq\":1}\n");
	age_dir(dir);
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	append(dir, "1.batch.0.jsonl", "{\"event\":\"end\",\"seq\":1}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	event_reader_stats(r, &st);
	assert_int_equal(st.listings, 1);
	assert_int_equal(st.opens, 2);
	/* a change of the directory is seen at the next poll */
	append(dir, "2.batch.0.jsonl", "{\"seq\":2}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	event_reader_stats(r, &st);
	assert_int_equal(st.listings, 2);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void new_file_behind_an_unchanged_stat_is_found_within_the_bound(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	event_reader_watch(r, false);  /* polling, as on a network filesystem */
	struct seen s = { 0, 0 };
	int polls = 0;
	append(dir, "1.batch.0.jsonl", "{\"event\":\"start\",\"seq\":1}\n"
	       "{\"event\":\"end\",\"seq\":1}\n");
	append(dir, "tmp.jsonl.part", "{\"seq\":2}\n");
	age_dir(dir);
	assert_int_equal(event_reader_poll(r, remember, &s), 2);
	/* same entries, same size, mtime put back: the stat cannot tell */
	rename_in(dir, "tmp.jsonl.part", "2.batch.0.jsonl");
	age_dir(dir);
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	while (s.count < 3 && polls++ < EVENT_READER_RELIST_POLLS)
		event_reader_poll(r, remember, &s);
	assert_int_equal(s.count, 3);
	assert_int_equal(s.last_seq, 2);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void torn_end_line_is_read_when_completed(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	struct event_reader_stats st;
	struct seen s = { 0, 0 };
	append(dir, "1.batch.0.jsonl", "{\"event\":\"start\",\"seq\":1}\n{\"event\":\"en");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	event_reader_stats(r, &st);
	assert_int_equal(st.ended, 0);
	append(dir, "1.batch.0.jsonl", "d\",\"seq\":4}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_seq, 4);
	event_reader_stats(r, &st);
	assert_int_equal(st.ended, 1);
	assert_int_equal(event_reader_bad_lines(r), 0);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void file_gone_and_back_is_read_on(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	struct seen s = { 0, 0 };
	append(dir, "1.batch.0.jsonl", "{\"event\":\"start\",\"seq\":1}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	rename_in(dir, "1.batch.0.jsonl", "1.jsonl.away");
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	rename_in(dir, "1.jsonl.away", "1.batch.0.jsonl");
	append(dir, "1.batch.0.jsonl", "{\"event\":\"end\",\"seq\":5}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_seq, 5);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void many_files_are_each_read_once(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader *r = event_reader_new(dir);
	struct event_reader_stats st;
	struct seen s = { 0, 0 };
	char name[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "%d.batch.0.jsonl", i);
		append(dir, name, "{\"event\":\"end\",\"seq\":1}\n");
	}
	assert_int_equal(event_reader_poll(r, remember, &s), 1000);
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	event_reader_stats(r, &st);
	assert_int_equal(st.files, 1000);
	assert_int_equal(st.ended, 1000);
	assert_int_equal(st.opens, 1000);
	event_reader_free(r);
	tmpdir_remove(dir);
}

/* A reader of dir that the kernel tells what changed, after a first poll;
 * skips the test where the directory's filesystem cannot tell (TMPDIR on
 * NFS), and fails where it can but the reader is not watched. */
static struct event_reader *watched_reader(const char *dir, struct seen *s)
{
	struct event_reader *r = event_reader_new(dir);
	struct event_reader_stats st;
	struct statfs fs;

	assert_int_equal(statfs(dir, &fs), 0);
	if (!dir_watch_fs_is_local((long)fs.f_type)) {
		event_reader_free(r);
		skip();
	}
	event_reader_poll(r, remember, s);
	event_reader_stats(r, &st);
	assert_true(st.watched);
	return r;
}

static void watched_poll_opens_only_what_changed(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct event_reader_stats st;
	struct seen s = { 0, 0 };
	char name[64];
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "%d.batch.0.jsonl", i);
		append(dir, name, "{\"event\":\"start\",\"seq\":1}\n");
	}
	struct event_reader *r = watched_reader(dir, &s);
	assert_int_equal(s.count, 100);
	/* a hundred steps running, nothing written: nothing opened, nothing listed */
	for (int i = 0; i < 3; i++)
		assert_int_equal(event_reader_poll(r, remember, &s), 0);
	event_reader_stats(r, &st);
	assert_int_equal(st.opens, 100);
	/* one ends, one starts: those two are opened, the directory is not listed */
	append(dir, "42.batch.0.jsonl", "{\"event\":\"end\",\"seq\":42}\n");
	append(dir, "100.batch.0.jsonl", "{\"event\":\"start\",\"seq\":100}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 2);
	event_reader_stats(r, &st);
	assert_int_equal(st.opens, 102);
	assert_int_equal(st.listings, 1);
	assert_int_equal(st.files, 101);
	assert_int_equal(st.ended, 1);
	/* what is written after an end is not read */
	append(dir, "42.batch.0.jsonl", "{\"seq\":7}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	event_reader_stats(r, &st);
	assert_int_equal(st.opens, 102);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void watched_file_moved_in_and_torn_line_are_read(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	struct seen s = { 0, 0 };
	struct event_reader *r = watched_reader(dir, &s);
	append(dir, "tmp.part", "{\"seq\":2}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	rename_in(dir, "tmp.part", "2.batch.0.jsonl");
	append(dir, "3.batch.0.jsonl", "{\"seq\":3}\n{\"se");
	assert_int_equal(event_reader_poll(r, remember, &s), 2);
	append(dir, "3.batch.0.jsonl", "q\":4}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_seq, 4);
	event_reader_free(r);
	tmpdir_remove(dir);
}

static void watched_directory_replaced_is_listed_again(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), old[4200];
	struct event_reader_stats st;
	struct seen s = { 0, 0 };
	struct event_reader *r = watched_reader(dir, &s);
	append(dir, "1.batch.0.jsonl", "{\"seq\":1}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	snprintf(old, sizeof old, "%s.old", dir);
	assert_int_equal(rename(dir, old), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	append(dir, "5.batch.0.jsonl", "{\"seq\":5}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_seq, 5);
	event_reader_stats(r, &st);
	assert_int_equal(st.listings, 2);
	assert_true(st.watched);
	event_reader_free(r);
	tmpdir_remove(strdup(old));
	tmpdir_remove(dir);
}

/* The watch sees events/ alone: with a subdirectory there, polling. */
static void subdirectory_turns_the_watch_off(void **state)
{
	(void)state;
	char *dir = tmpdir_create(), sub[4200];
	struct event_reader_stats st;
	struct seen s = { 0, 0 };
	struct event_reader *r = watched_reader(dir, &s);
	snprintf(sub, sizeof sub, "%s/w001", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	append(dir, "1.batch.0.jsonl", "{\"event\":\"start\",\"seq\":1}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);  /* the watch: a listing */
	event_reader_stats(r, &st);
	assert_false(st.watched);
	append(dir, "1.batch.0.jsonl", "{\"event\":\"end\",\"seq\":1}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	event_reader_stats(r, &st);
	assert_false(st.watched);
	event_reader_free(r);
	assert_int_equal(rmdir(sub), 0);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_only_what_is_new),
		cmocka_unit_test(truncated_last_line_waits_for_its_end),
		cmocka_unit_test(garbage_is_skipped_not_fatal),
		cmocka_unit_test(missing_directory_is_empty),
		cmocka_unit_test(ended_file_is_never_opened_again),
		cmocka_unit_test(unchanged_directory_is_not_listed_again),
		cmocka_unit_test(new_file_behind_an_unchanged_stat_is_found_within_the_bound),
		cmocka_unit_test(torn_end_line_is_read_when_completed),
		cmocka_unit_test(file_gone_and_back_is_read_on),
		cmocka_unit_test(many_files_are_each_read_once),
		cmocka_unit_test(watched_poll_opens_only_what_changed),
		cmocka_unit_test(watched_file_moved_in_and_torn_line_are_read),
		cmocka_unit_test(watched_directory_replaced_is_listed_again),
		cmocka_unit_test(subdirectory_turns_the_watch_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
