/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scontrol's fallback never takes another user's job for one of the run's
 * (slurm_parse_scontrol_jobs): by UserId, and by leaving out a line whose
 * free text repeats a key it reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "slurm/slurm_commands.h"

/* Another user's job is never taken for ours: by its UserId, and a line
 * whose free text repeats a key (a job name saying "UserId=..." or
 * "ArrayJobId=...") is left out whatever it says. */
static void test_scontrol_other_users(void **state)
{
	static const char text[] =
		"JobId=7 JobName=theirs UserId=eve(1002) JobState=RUNNING\n"
		"JobId=8 JobName=x UserId=me(1001) ArrayJobId=7 UserId=eve(1002) JobState=RUNNING\n"
		"JobId=9 JobName=x ArrayJobId=7 UserId=eve(1002) JobState=RUNNING\n"
		"JobId=10 JobName=x ArrayJobId=7 UserId=eve(10010) JobState=RUNNING\n"
		"JobId=11 JobName=x ArrayJobId=7 UserId=(1001)x JobState=RUNNING\n"
		"JobId=12 JobName=x ArrayJobId=7 JobState=RUNNING\n"
		"JobId=13 ArrayJobId=7 ArrayTaskId=1 JobName=mine UserId=me(1001) JobState=RUNNING "
		"RunTime=00:00:01 TimeLimit=00:01:00\n";
	static const uint32_t ids[] = { 7 };
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	(void)state;
	assert_int_equal(slurm_parse_scontrol_jobs(text, ids, 1, 1001, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 1);
	assert_int_equal(jobs.items[0].job_id, 13);
	slurm_jobs_free(&jobs);
	assert_int_equal(slurm_parse_scontrol_jobs(text, ids, 1, 1002, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 2);   /* eve's 7 and 9; 8 says UserId twice */
	slurm_jobs_free(&jobs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scontrol_other_users),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
