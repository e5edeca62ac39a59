/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How many jobs (array tasks) a user may have queued at once, as the site
 * says: `max_queued: auto`. The least of half slurmctld's MaxJobCount (it
 * counts every user's jobs, and finished ones until MinJobAge has passed),
 * the user's associations' MaxSubmitJobs and GrpSubmitJobs, and the
 * MaxSubmitJobs per user and GrpSubmitJobs of the QOS the jobs run under.
 * One scontrol and two sacctmgr calls when a run starts (or `plan` shows
 * one); anything missing (no accounting, a site hiding associations) counts
 * as no limit, and the refusals slurmctld gives still close the window
 * (slurm_limits.h).
 *
 * Tests: orchestrator/slurm/test/test_slurm_submit_limit.c. */
#ifndef SCALABLE_SLURM_SUBMIT_LIMIT_H
#define SCALABLE_SLURM_SUBMIT_LIMIT_H

/* The limit for the calling user's jobs under qos (NULL: the association's
 * default QOS, else "normal"); 0 when none is known. */
unsigned slurm_submit_limit(const char *qos);

/* From `sacctmgr -n -P show assoc where users=USER
 * format=user,maxsubmit,grpsubmit,defaultqos`: the least MaxSubmitJobs or
 * GrpSubmitJobs of user's rows (0: none); the first row's default QOS into
 * qos_out (qos_len bytes; "" when the row has none). */
unsigned parse_assoc_submit_limit(const char *text, const char *user, char *qos_out,
				  unsigned qos_len);
/* From `sacctmgr -n -P show qos format=name,maxsubmitpu,grpsubmit`: the
 * least of qos's two limits (0: none, or qos not listed). */
unsigned parse_qos_submit_limit(const char *text, const char *qos);

#endif
