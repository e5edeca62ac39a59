/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for slurm_limits: which sbatch refusals are waited out. The
 * texts are sbatch's stderr as Slurm 22.05-23.11 print them ("sbatch:
 * error: " + the reason slurmctld gave + the errno's text from
 * src/common/slurm_errno.c, or sbatch's own retry message), and sbatch run
 * through a shim gives SLURM_LIMIT for them and SLURM_FAILED for others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "slurm/slurm_commands.h"
#include "slurm/slurm_limits.h"
#include "testing/slurm_shims.h"
#include "test/tmpdir.h"

static const char *const limits[] = {
	"sbatch: error: QOSMaxSubmitJobPerUserLimit\n"
	"sbatch: error: Batch job submission failed: Job violates accounting/QOS policy "
	"(job submit limit, user's size and/or time limits)\n",
	"sbatch: error: AssocMaxSubmitJobLimit\n"
	"sbatch: error: Batch job submission failed: Job violates accounting/QOS policy "
	"(job submit limit, user's size and/or time limits)\n",
	"sbatch: error: AssocGrpSubmitJobsLimit\n"
	"sbatch: error: Batch job submission failed: Job violates accounting/QOS policy "
	"(job submit limit, user's size and/or time limits)\n",
	/* no reason line: the policy alone */
	"sbatch: error: Batch job submission failed: Job violates accounting/QOS policy "
	"(job submit limit, user's size and/or time limits)\n",
	/* MaxJobCount: sbatch retried 15 times, then gave up */
	"sbatch: error: Slurm job queue full, sleeping and retrying\n"
	"sbatch: error: Batch job submission failed: Unable to create job record, try again\n",
	"sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying\n"
	"sbatch: error: Batch job submission failed: Resource temporarily unavailable\n",
	"sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n",
};

static const char *const others[] = {
	"sbatch: error: invalid partition specified: nope\n"
	"sbatch: error: Batch job submission failed: Invalid partition name specified\n",
	"sbatch: error: QOSMaxWallDurationPerJobLimit\n"
	"sbatch: error: Batch job submission failed: Job violates accounting/QOS policy "
	"(job submit limit, user's size and/or time limits)\n",
	"sbatch: error: Batch job submission failed: Invalid job array specification\n",
	"sbatch: error: Batch job submission failed: Requested node configuration is not "
	"available\n",
	"sbatch: error: Batch job submission failed: Invalid account or account/partition "
	"combination specified\n",
	"",
};

static void limits_are_recognised(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof limits / sizeof *limits; i++)
		if (!slurm_refusal_is_limit(limits[i]))
			fail_msg("not taken for a limit: %s", limits[i]);
}

static void other_refusals_are_not(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof others / sizeof *others; i++)
		if (slurm_refusal_is_limit(others[i]))
			fail_msg("taken for a limit: %s", others[i]);
	assert_false(slurm_refusal_is_limit(NULL));
}

static void sbatch_says_which(void **state)
{
	const char *argv[] = { "sbatch", "--parsable", "--array=0-9", "/run/w001/a.sh", NULL };
	char *dir = tmpdir_create(), *old_path = slurm_shims_install(dir);
	struct error err;
	uint32_t job_id = 0;

	(void)state;
	tmpdir_write(dir, "sbatch.rc", "1\n");
	tmpdir_write(dir, "sbatch.err", limits[0]);
	assert_int_equal(slurm_sbatch(argv, NULL, 10, &job_id, &err), SLURM_LIMIT);
	tmpdir_write(dir, "sbatch.err", others[0]);
	assert_int_equal(slurm_sbatch(argv, NULL, 10, &job_id, &err), SLURM_FAILED);
	tmpdir_write(dir, "sbatch.rc", "0\n");
	tmpdir_write(dir, "sbatch.err", "");
	tmpdir_write(dir, "sbatch.out", "4242\n");
	assert_int_equal(slurm_sbatch(argv, NULL, 10, &job_id, &err), SLURM_OK);
	assert_int_equal(job_id, 4242);
	slurm_shims_remove(old_path);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limits_are_recognised),
		cmocka_unit_test(other_refusals_are_not),
		cmocka_unit_test(sbatch_says_which),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
