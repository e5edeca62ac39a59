/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sbatch refusals that are a site's limits (see slurm_limits.h). */
#include "slurm/slurm_limits.h"

#include <stddef.h>
#include <string.h>

#include "slurm/slurm_invoke.h"

/* Waited out: the number of jobs a user, account, QOS or cluster may have
 * queued, and slurmctld too busy to take one now. Matched case-blind
 * anywhere in a line. */
static const char *const limit_words[] = {
	/* reasons slurmctld names (job_reason_string) before the policy line */
	"MaxSubmitJob",              /* QOSMaxSubmitJobPerUserLimit, AssocMaxSubmitJobLimit, MaxSubmitJobs */
	"GrpSubmitJob",              /* AssocGrpSubmitJobsLimit, QOSGrpSubmitJobsLimit */
	/* ESLURM_ERROR_ON_DESC_TO_RECORD_COPY: MaxJobCount reached */
	"Unable to create job record, try again",
	"Slurm job queue full",
	"MaxJobCount",
	/* EAGAIN, and a slurmctld that does not answer in time */
	"Resource temporarily unavailable",
	"Slurm temporarily unable to accept job",
	"Rate limit exceeded",
	"Socket timed out on send/recv operation",
};

/* ESLURM_ACCOUNTING_POLICY covers submit limits and also a job over a size
 * or time cap; slurmctld names which on the line before. A policy line
 * with one of these reasons is not waited out. */
static const char *const policy_line = "Job violates accounting/QOS policy";
static const char *const permanent_words[] = {
	"Wall", "TRES", "Cpu", "Node", "Mem", "MinTRES", "Partition", "Account",
};

static bool any_line_contains(const char *text, const char *word)
{
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (slurm_line_contains(line, word))
			return true;
	}
	return false;
}

/* Lines naming a reason other than the policy line itself ("sbatch: error:
 * QOSMaxWallDurationPerJobLimit"): is it a cap on the job's size? */
static bool names_permanent_reason(const char *text)
{
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (slurm_line_contains(line, policy_line))
			continue;
		for (size_t i = 0; i < sizeof permanent_words / sizeof *permanent_words; i++)
			if (slurm_line_contains(line, permanent_words[i]) &&
			    slurm_line_contains(line, "Limit"))
				return true;
	}
	return false;
}

bool slurm_refusal_is_limit(const char *text)
{
	if (!text)
		return false;
	for (size_t i = 0; i < sizeof limit_words / sizeof *limit_words; i++)
		if (any_line_contains(text, limit_words[i]))
			return true;
	return any_line_contains(text, policy_line) && !names_permanent_reason(text);
}
