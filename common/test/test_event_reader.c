/* Incremental reading of events/: only complete new lines, truncated last
 * lines left for later, garbage skipped without hiding what follows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "event_reader.h"
#include "test/tmpdir.h"

struct seen {
	int count;
	long last_job;
};

static int remember(const char *file_name, json_t *event, void *ctx)
{
	(void)file_name;
	struct seen *s = ctx;
	s->count++;
	s->last_job = (long)json_integer_value(json_object_get(event, "job_id"));
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
	append(dir, "1.batch.0.jsonl", "{\"job_id\":1}\n{\"job_id\":2}\n");
	append(dir, "3.batch.0.jsonl", "{\"job_id\":3}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 3);
	assert_int_equal(event_reader_poll(r, remember, &s), 0);
	append(dir, "1.batch.0.jsonl", "{\"job_id\":4}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_job, 4);
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
	append(dir, "1.batch.0.jsonl", "{\"job_id\":1}\n{\"job_i");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	append(dir, "1.batch.0.jsonl", "d\":2}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_job, 2);
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
	append(dir, "1.batch.0.jsonl", "{\"job_id\":1,\"ev\n[1,2]\n\n{\"job_id\":5}\n");
	append(dir, "notes.txt", "{\"job_id\":9}\n");
	assert_int_equal(event_reader_poll(r, remember, &s), 1);
	assert_int_equal(s.last_job, 5);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_only_what_is_new),
		cmocka_unit_test(truncated_last_line_waits_for_its_end),
		cmocka_unit_test(garbage_is_skipped_not_fatal),
		cmocka_unit_test(missing_directory_is_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
