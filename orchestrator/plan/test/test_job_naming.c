/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for job naming: chunk keys, the comment that carries them and
 * its parsing back, and the job names of chunks and sweepers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan/job_naming.h"

#define RUN_ID "run-20261127T000000Z-sweep-0a1b2c3d"

static void a_chunk_key_round_trips_through_its_comment(void **state)
{
	char key[JOB_NAMING_KEY_MAX], comment[JOB_NAMING_KEY_MAX];

	(void)state;
	assert_int_equal(job_naming_chunk_key("w003", "model.2", 2002, key, sizeof key), 0);
	assert_string_equal(key, "w003/model.2/2002");
	assert_int_equal(job_naming_comment("run-x", key, comment, sizeof comment), 0);
	assert_string_equal(comment, "scalable:run-x:w003/model.2/2002");
	assert_string_equal(job_naming_key_in_comment(comment, "run-x"), key);
	assert_int_equal(job_naming_comment(RUN_ID, JOB_NAMING_SWEEPER_KEY, comment,
					    sizeof comment), 0);
	assert_string_equal(comment, "scalable:" RUN_ID ":sweeper");
	assert_string_equal(job_naming_key_in_comment(comment, RUN_ID), JOB_NAMING_SWEEPER_KEY);
}

static void another_run_or_no_key_is_not_found(void **state)
{
	(void)state;
	assert_null(job_naming_key_in_comment("scalable:run-x:w001/a/0", "run-y"));
	assert_null(job_naming_key_in_comment("scalable:run-x:w001/a/0", "run"));
	assert_null(job_naming_key_in_comment("scalable:run-x", "run-x"));
	assert_null(job_naming_key_in_comment("scalable:run-x:", "run-x"));
	assert_null(job_naming_key_in_comment("other:run-x:w001/a/0", "run-x"));
	assert_null(job_naming_key_in_comment(NULL, "run-x"));
}

static void job_names_carry_the_run_tag(void **state)
{
	char name[JOB_NAMING_KEY_MAX];

	(void)state;
	assert_int_equal(job_naming_chunk_name("sweep", RUN_ID, "w001", "model", 1000, name,
					       sizeof name), 0);
	assert_string_equal(name, "sweep.model.w001.1000.0a1b2c3d");
	/* no 8-hex suffix: the whole run id */
	assert_int_equal(job_naming_chunk_name("sweep", "run-test", "w001", "model", 0, name,
					       sizeof name), 0);
	assert_string_equal(name, "sweep.model.w001.0.run-test");
	assert_int_equal(job_naming_sweeper_name("p", RUN_ID, name, sizeof name), 0);
	assert_string_equal(name, "p.sweeper.0a1b2c3d");
	assert_int_equal(job_naming_sweeper_name("p", "local", name, sizeof name), 0);
	assert_string_equal(name, "p.sweeper.local");
}

static void a_buffer_too_small_is_refused(void **state)
{
	char small[8];

	(void)state;
	assert_int_equal(job_naming_chunk_key("w001", "model", 0, small, sizeof small), -1);
	assert_int_equal(job_naming_comment("run-x", "w001/a/0", small, sizeof small), -1);
	assert_int_equal(job_naming_chunk_name("p", RUN_ID, "w001", "a", 0, small,
					       sizeof small), -1);
	assert_int_equal(job_naming_sweeper_name("p", RUN_ID, small, sizeof small), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_chunk_key_round_trips_through_its_comment),
		cmocka_unit_test(another_run_or_no_key_is_not_found),
		cmocka_unit_test(job_names_carry_the_run_tag),
		cmocka_unit_test(a_buffer_too_small_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
