/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "wait_status.h"

#include <signal.h>
#include <sys/wait.h>

/* Slurm checks limits every few tens of seconds, so a step killed for walltime
 * may end somewhat after its limit but never meaningfully before it. */
#define TIMEOUT_EARLY_SLACK_S 2.0

struct exit_outcome exit_outcome_from_wait_status(int status)
{
	struct exit_outcome out = { 0, 0, false };
	if (WIFEXITED(status)) {
		out.exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		out.signal = WTERMSIG(status);
		out.exit_code = 128 + out.signal;
		out.core_dumped = WCOREDUMP(status);
	}
	return out;
}

const char *infer_end_cause(const struct end_evidence *ev)
{
	bool failed = ev->outcome.signal != 0 || ev->outcome.exit_code != 0;
	/* A script may survive the OOM kill of one of its children; only a failed step is an OOM. */
	if (ev->oom_kill_count > 0 && failed)
		return "oom";
	bool killed = ev->outcome.signal == SIGTERM || ev->outcome.signal == SIGKILL;
	if (killed && ev->time_limit_s > 0 &&
	    ev->elapsed_s + TIMEOUT_EARLY_SLACK_S >= (double)ev->time_limit_s)
		return "timeout?";
	if (ev->outcome.signal != 0)
		return "signaled";
	return "exited";
}
