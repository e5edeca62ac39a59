/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which sbatch refusals are a site's limits: the user (or the cluster) has
 * as many jobs queued as is allowed, so the chunk is to be submitted again
 * once earlier ones drain, not counted as a failure. The one list of those
 * messages is in slurm_limits.c, taken from Slurm's own texts
 * (src/common/slurm_errno.c, src/sbatch/sbatch.c, the reasons slurmctld
 * gives with ESLURM_ACCOUNTING_POLICY); tested on captured texts in
 * orchestrator/slurm/test/test_slurm_limits.c. */
#ifndef SCALABLE_SLURM_LIMITS_H
#define SCALABLE_SLURM_LIMITS_H

#include <stdbool.h>

/* True when what sbatch printed (stderr, or stdout) says it refused the job
 * for a limit on how many jobs may be queued, or because slurmctld could not
 * take it just now. Any other refusal (a bad partition, an invalid option,
 * a size or time over a policy's cap that names its own reason) is false. */
bool slurm_refusal_is_limit(const char *text);

#endif
