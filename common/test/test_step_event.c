/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The step event's JSON line, file name and step naming; and appending to a spool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "rfc3339.h"
#include "spool_append.h"
#include "step_event.h"
#include "test/tmpdir.h"

static struct step_event sample(const char *name)
{
	struct step_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.event = name;
	strcpy(ev.timestamp, "2026-11-27T20:00:00.000Z");
	ev.id.job_id = 5;
	ev.id.array_job_id = -1;
	ev.id.array_task_id = -1;
	ev.id.step_id = 0;
	ev.id.node = "n1";
	ev.id.uid = 1000;
	ev.id.pid = 42;
	ev.id.run_id = "run-\"quoted\"\n";
	ev.id.task_id = -1;
	ev.id.attempt = 1;
	ev.id.time_limit_s = -1;
	ev.id.mem_limit_bytes = -1;
	ev.max_rss_bytes = -1;
	ev.oom_kill_count = 0;
	return ev;
}

static void one_line_with_nulls_for_unknowns(void **state)
{
	(void)state;
	struct step_event ev = sample("start");
	size_t len;
	char *line = step_event_to_json_line(&ev, &len);
	assert_non_null(line);
	assert_int_equal(len, strlen(line));
	assert_int_equal(line[len - 1], '\n');
	assert_null(memchr(line, '\n', len - 1)); /* the newline in run_id is escaped */
	json_t *obj = json_loads(line, 0, NULL);
	assert_non_null(obj);
	assert_string_equal(json_string_value(json_object_get(obj, "event_type")), "step");
	assert_int_equal(json_integer_value(json_object_get(obj, "schema_version")), STEP_EVENT_SCHEMA_VERSION);
	assert_string_equal(json_string_value(json_object_get(obj, "step_id")), "0");
	assert_string_equal(json_string_value(json_object_get(obj, "run_id")), "run-\"quoted\"\n");
	assert_true(json_is_null(json_object_get(obj, "array_job_id")));
	assert_true(json_is_null(json_object_get(obj, "task_id")));
	assert_null(json_object_get(obj, "exit_code"));
	json_decref(obj);
	free(line);
}

static void end_without_any_task_exit_has_null_status(void **state)
{
	(void)state;
	struct step_event ev = sample("end");
	char *line = step_event_to_json_line(&ev, NULL);
	json_t *obj = json_loads(line, 0, NULL);
	assert_true(json_is_null(json_object_get(obj, "exit_code")));
	assert_true(json_is_null(json_object_get(obj, "inferred_cause")));
	assert_int_equal(json_integer_value(json_object_get(obj, "oom_kill_count")), 0);
	json_decref(obj);
	free(line);
}

static void file_names_and_step_names(void **state)
{
	(void)state;
	char buf[64];
	struct step_identity id = { .job_id = 12, .step_id = STEP_ID_BATCH };
	assert_int_equal(step_event_file_name(&id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "12.batch.0.jsonl");
	id.step_id = STEP_ID_EXTERN;
	id.restart_count = 3;
	assert_int_equal(step_event_file_name(&id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "12.extern.3.jsonl");
	id.step_id = 4;
	id.restart_count = 1;
	id.node_count = 1;
	assert_int_equal(step_event_file_name(&id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "12.4.1.jsonl");
	/* one file per node of a step on several */
	id.node_count = 2;
	id.node_index = 1;
	assert_int_equal(step_event_file_name(&id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "12.4.1.1.jsonl");
	id.job_id = 4294967295U;
	assert_int_equal(step_event_file_name(&id, buf, 8), -1);
}

static void subdirs_of_layout_2(void **state)
{
	(void)state;
	struct step_identity id = { .job_id = 123456, .array_job_id = 9000, .array_task_id = 999 };
	char buf[64];

	assert_int_equal(step_event_subdir(&id, buf, sizeof buf), 0);
	assert_string_equal(buf, "9000/0");
	id.array_task_id = 1000;
	assert_int_equal(step_event_subdir(&id, buf, sizeof buf), 0);
	assert_string_equal(buf, "9000/1");
	id.array_task_id = 99999;
	assert_int_equal(step_event_subdir(&id, buf, sizeof buf), 0);
	assert_string_equal(buf, "9000/99");
	id.array_job_id = id.array_task_id = -1;  /* not an array task */
	assert_int_equal(step_event_subdir(&id, buf, sizeof buf), 0);
	assert_string_equal(buf, "job/123");
	assert_int_equal(step_event_subdir(&id, buf, 7), -1);
}

/* Whether dir/rel is a directory (not through a symlink). */
static bool is_dir(const char *dir, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void directories_level_by_level(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	int fd = spool_dir_open_at(dirfd, "events/9000/0", 0755);

	assert_true(fd >= 0);
	assert_true(is_dir(dir, "events/9000/0"));
	assert_int_equal(spool_append_line(spool_open_at(fd, "x.jsonl", 0644), "{}\n", 3), 0);
	close(fd);
	fd = spool_dir_open_at(dirfd, "events/9000/0", 0755);  /* all there: opened */
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(tmpdir_count_lines(dir, "events/9000/0/x.jsonl"), 1);
	assert_int_equal(symlinkat(dir, dirfd, "events/9001"), 0);  /* a level that is a symlink */
	assert_int_equal(spool_dir_open_at(dirfd, "events/9001/0", 0755), -1);
	assert_true(errno == ENOTDIR || errno == ELOOP);
	assert_false(is_dir(dir, "0"));  /* nothing made where it points */
	tmpdir_write(dir, "events/9002", "a file\n");
	assert_int_equal(spool_dir_open_at(dirfd, "events/9002/0", 0755), -1);
	assert_int_equal(errno, ENOTDIR);
	static const char *const bad[] = { "events/../x", "events//0", "", "events/.", "/events" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(spool_dir_open_at(dirfd, bad[i], 0755), -1);
		assert_int_equal(errno, EINVAL);
	}
	close(dirfd);
	tmpdir_remove(dir);
}

static void appends_whole_lines(void **state)
{
	(void)state;
	char *dir = tmpdir_create();
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	int fd = spool_open_at(dirfd, "x.jsonl", 0644);
	assert_true(fd >= 0);
	assert_int_equal(spool_append_line(fd, "{\"a\":1}\n", 8), 0);
	close(fd);
	fd = spool_open_at(dirfd, "x.jsonl", 0644);
	assert_int_equal(spool_append_line(fd, "{\"a\":2}\n", 8), 0);
	close(fd);
	assert_int_equal(tmpdir_count_lines(dir, "x.jsonl"), 2);
	assert_int_equal(symlinkat("x.jsonl", dirfd, "link.jsonl"), 0);
	assert_int_equal(spool_open_at(dirfd, "link.jsonl", 0644), -1);
	assert_int_equal(errno, ELOOP);
	close(dirfd);
	tmpdir_remove(dir);
}

static void full_disk_is_reported(void **state)
{
	(void)state;
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		skip();
	assert_int_equal(spool_append_line(fd, "{}\n", 3), -1);
	assert_int_equal(errno, ENOSPC);
	close(fd);
}

static void rfc3339_round_trip(void **state)
{
	(void)state;
	struct timespec ts = { 1795812084, 123000000 }, back;
	char buf[RFC3339_BUFSZ];
	assert_non_null(rfc3339_format(&ts, buf, sizeof(buf)));
	assert_string_equal(buf, "2026-11-27T20:41:24.123Z");
	assert_int_equal(rfc3339_parse(buf, &back), 0);
	assert_int_equal(back.tv_sec, ts.tv_sec);
	assert_int_equal(back.tv_nsec, ts.tv_nsec);
	assert_int_equal(rfc3339_parse("2026-11-27T20:41:24+01:00", &back), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_line_with_nulls_for_unknowns),
		cmocka_unit_test(end_without_any_task_exit_has_null_status),
		cmocka_unit_test(file_names_and_step_names),
		cmocka_unit_test(subdirs_of_layout_2),
		cmocka_unit_test(directories_level_by_level),
		cmocka_unit_test(appends_whole_lines),
		cmocka_unit_test(full_disk_is_reported),
		cmocka_unit_test(rfc3339_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
