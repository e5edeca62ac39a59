/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sampler_support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "test/tmpdir.h"

bool eventually(bool (*cond)(void *), void *arg)
{
	for (int i = 0; i < 3000; i++) {
		if (cond(arg))
			return true;
		usleep(10000);
	}
	return cond(arg);
}

void set_file(const char *dir, const char *name, const char *text)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "%s.new", name);
	tmpdir_write(dir, tmp, text);
	char *from, *to;
	assert_true(asprintf(&from, "%s/%s", dir, tmp) > 0);
	assert_true(asprintf(&to, "%s/%s", dir, name) > 0);
	assert_int_equal(rename(from, to), 0);
	free(from);
	free(to);
}

char *fake_cgroup(const char *current, const char *limit)
{
	char *cg = tmpdir_create();
	set_file(cg, "memory.current", current);
	set_file(cg, "memory.max", limit);
	set_file(cg, "memory.events", "low 0\nhigh 0\nmax 2\noom 0\noom_kill 0\n");
	return cg;
}
