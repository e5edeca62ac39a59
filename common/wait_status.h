/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Decoding a raw wait(2) status into what the telemetry reports, shared by the
 * SPANK plugin (task_exit) and the local executor. */
#ifndef SCALABLE_WAIT_STATUS_H
#define SCALABLE_WAIT_STATUS_H

#include <stdbool.h>
#include <stdint.h>

struct exit_outcome {
	int exit_code;     /* exit status, or 128 + signal when signaled (as shells report it) */
	int signal;        /* terminating signal, 0 when none */
	bool core_dumped;
};

/* Decodes a raw status as returned by waitpid(). */
struct exit_outcome exit_outcome_from_wait_status(int status);

/* Evidence for the inferred cause of a step's end. Limits of 0 mean unknown. */
struct end_evidence {
	struct exit_outcome outcome;
	uint64_t oom_kill_count;
	double elapsed_s;
	uint64_t time_limit_s;
};

/* Returns "exited", "signaled", "oom" or "timeout?": what the node alone can
 * infer; the orchestrator settles the rest from Slurm's view. */
const char *infer_end_cause(const struct end_evidence *ev);

#endif
