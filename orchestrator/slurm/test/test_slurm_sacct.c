/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sacct's reader on what slurmdbd shows between its writes (the captured
 * fixtures are in test_slurm_parse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "slurm/slurm_commands.h"

/* A job that ended before slurmctld sent its start record: slurmdbd first
 * holds that record, final state and no End (exit code 0:0), then the
 * completion's with End and the real exit code. The first is no end yet;
 * read as the job's end it gave exit 0 to a job that exited 3 (seen in CI). */
static void final_state_without_an_end_is_not_the_end(void **state)
{
	static const char start_only[] =
		"132290|132290|FAILED|0:0|0:0|None|vm|1796200000|1796200002|Unknown|0|1440|100M|\n";
	static const char completed[] =
		"132290|132290|FAILED|3:0|0:0|None|vm|1796200000|1796200002|1796200002|0|1440|100M|\n";
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	(void)state;
	assert_int_equal(slurm_parse_sacct(start_only, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 1);
	assert_int_equal(jobs.items[0].state, SLURM_STATE_COMPLETING);
	assert_false(slurm_state_is_final(jobs.items[0].state));
	slurm_jobs_free(&jobs);
	assert_int_equal(slurm_parse_sacct(completed, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.items[0].state, SLURM_STATE_FAILED);
	assert_int_equal(jobs.items[0].exit_code, 3);
	slurm_jobs_free(&jobs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(final_state_without_an_end_is_not_the_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
