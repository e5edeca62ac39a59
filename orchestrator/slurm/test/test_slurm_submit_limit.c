/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for max_queued: auto: the parsers on sacctmgr's output as the
 * private cluster printed it, and the whole ask through shims first on PATH
 * (scontrol show config, sacctmgr show assoc, sacctmgr show qos). */
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

#include "slurm/slurm_submit_limit.h"
#include "test/tmpdir.h"

static void test_assoc_limit_of_the_user(void **state)
{
	char qos[32];

	(void)state;
	assert_int_equal(parse_assoc_submit_limit("scalable-test|300||\n", "scalable-test",
						  qos, sizeof qos), 300);
	assert_string_equal(qos, "");
	/* The least of MaxSubmitJobs and GrpSubmitJobs over the user's rows;
	 * other users' rows do not count. */
	assert_int_equal(parse_assoc_submit_limit("ann|50||\nbob|700|900|long\nbob||400|\n",
						  "bob", qos, sizeof qos), 400);
	assert_string_equal(qos, "long");
	assert_int_equal(parse_assoc_submit_limit("bob|||normal\n", "bob", qos, sizeof qos), 0);
	assert_int_equal(parse_assoc_submit_limit("", "bob", qos, sizeof qos), 0);
	/* A user whose name is a prefix of another's is not that other. */
	assert_int_equal(parse_assoc_submit_limit("bobby|10||\n", "bob", qos, sizeof qos), 0);
}

static void test_qos_limit(void **state)
{
	(void)state;
	assert_int_equal(parse_qos_submit_limit("normal|500|2000\n", "normal"), 500);
	assert_int_equal(parse_qos_submit_limit("normal||\nlong|5|\n", "normal"), 0);
	assert_int_equal(parse_qos_submit_limit("normal|500|\nlong|5|3\n", "long"), 3);
	assert_int_equal(parse_qos_submit_limit("normal|500|\n", "debug"), 0);
	assert_int_equal(parse_qos_submit_limit("normal|lots|\n", "normal"), 0);
}

/* Writes an executable shim dir/name printing text for calls whose
 * arguments hold match (any call when match is ""). */
static void shim(const char *dir, const char *name, const char *match, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "a");
	assert_non_null(f);
	if (ftell(f) == 0)
		fprintf(f, "#!/bin/sh\necho \"%s $*\" >> %s/calls.log\n", name, dir);
	fprintf(f, "case \"$*\" in *%s*) printf '%%s\\n' '%s'; exit 0;; esac\n", match, text);
	fclose(f);
	chmod(path, 0755);
}

static void test_least_of_config_assoc_and_qos(void **state)
{
	char *dir = tmpdir_create(), path[4096], line[300], *old = strdup(getenv("PATH"));
	const char *user = getpwuid(getuid())->pw_name;

	(void)state;
	shim(dir, "scontrol", "", "MaxJobCount             = 1300");
	snprintf(line, sizeof line, "%s|700||long", user);
	shim(dir, "sacctmgr", "assoc", line);
	shim(dir, "sacctmgr", "qos", "normal|300|\nlong|600|");
	snprintf(path, sizeof path, "%s:%s", dir, old);
	setenv("PATH", path, 1);
	/* The association's default QOS, "long", caps at 600; "normal" is
	 * not the jobs' QOS here. MaxJobCount counts for half: 650. */
	assert_int_equal(slurm_submit_limit(NULL), 600);
	/* The target's QOS when it names one; scontrol is asked only once. */
	assert_int_equal(slurm_submit_limit("normal"), 300);
	/* Half MaxJobCount (finished jobs count too) is below the user's 700. */
	assert_int_equal(slurm_submit_limit("debug"), 650);
	assert_int_equal(tmpdir_count_lines(dir, "calls.log"), 7);
	setenv("PATH", old, 1);
	free(old);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assoc_limit_of_the_user),
		cmocka_unit_test(test_qos_limit),
		cmocka_unit_test(test_least_of_config_assoc_and_qos),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
