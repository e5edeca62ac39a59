/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose's line reader on a file cut or rewritten while it reads it (a
 * writer repairing its torn tail, a cp over it): the read fails with
 * "changed while it was read", it does not crash (SIGBUS on a page cut off
 * the mapping, a line that no longer ends where it did). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "diagnose/diagnose_impl.h"
#include "test/tmpdir.h"

#define LINES 2000   /* "line 0000\n": 20 KB, five pages */

struct change {
	const char *path;
	bool truncate;   /* else: rewrite every byte as 'x' */
	size_t lines;
};

/* After the first line, cuts the file to nothing or overwrites it. */
static int change_after_first(const char *line, size_t len, uint64_t offset, void *arg)
{
	struct change *c = arg;

	(void)line, (void)len, (void)offset;
	if (c->lines++ == 0) {
		int fd = open(c->path, O_WRONLY);
		char junk[LINES * 10];

		assert_true(fd >= 0);
		memset(junk, 'x', sizeof junk);
		if (c->truncate)
			assert_int_equal(ftruncate(fd, 0), 0);
		else
			assert_int_equal(pwrite(fd, junk, sizeof junk, 0), (ssize_t)sizeof junk);
		close(fd);
	}
	return 0;
}

static void read_while(bool truncate)
{
	char *dir = tmpdir_create(), path[4200], *text = malloc(LINES * 10 + 1);
	struct change c = { path, truncate, 0 };
	struct dx_file_stats stats;
	struct error err;

	for (int i = 0; i < LINES; i++)
		snprintf(text + 10 * i, 11, "line %04d\n", i);
	tmpdir_write(dir, "tasks.jsonl", text);
	snprintf(path, sizeof path, "%s/tasks.jsonl", dir);
	assert_int_equal(dx_read_lines(path, change_after_first, &c, &stats, &err), -1);
	if (!strstr(err.text, "tasks.jsonl changed while it was read"))
		fail_msg("%s", err.text);
	assert_true(c.lines < LINES);
	free(text);
	tmpdir_remove(dir);
}

static void a_file_cut_under_the_reader(void **state)
{
	(void)state;
	read_while(true);
}

static void a_file_rewritten_under_the_reader(void **state)
{
	(void)state;
	read_while(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_file_cut_under_the_reader),
		cmocka_unit_test(a_file_rewritten_under_the_reader),
	};

	return cmocka_run_group_tests_name("diagnose_lines", tests, NULL, NULL);
}
