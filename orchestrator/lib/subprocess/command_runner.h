/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running an external command and capturing what it prints.
 *
 * The program is looked up on PATH (so a shim placed first on PATH sees every
 * call), runs in its own process group with stdin on /dev/null and the
 * caller's environment (less its API keys: secret_env.h) plus extra
 * entries, and its stdout and stderr are read
 * concurrently into memory (no deadlock however much either prints) until
 * both pipes close. A hard timeout sends SIGTERM to the whole process group,
 * then SIGKILL after a grace period; give one whenever the program might
 * leave a background child holding its output open. Every descriptor is
 * opened close-on-exec; signals interrupting the parent are retried. */
#ifndef SCALABLE_COMMAND_RUNNER_H
#define SCALABLE_COMMAND_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util/strbuf.h"

#define COMMAND_DEFAULT_GRACE_MS 2000u

struct command_options {
	const char *const *env;  /* extra NAME=VALUE entries (override); NULL-terminated, or NULL */
	unsigned timeout_ms;     /* 0: no timeout */
	unsigned grace_ms;       /* SIGTERM to SIGKILL; 0: COMMAND_DEFAULT_GRACE_MS */
	size_t max_output;       /* per stream; beyond it output is read and dropped; 0: no cap */
};

enum command_end {
	COMMAND_NOT_RUN,         /* it could not be started: see error */
	COMMAND_EXITED,          /* exit_code holds its status */
	COMMAND_SIGNALED,        /* signal holds the signal that killed it */
	COMMAND_TIMED_OUT,       /* killed by us at the timeout; signal says with what */
};

struct command_result {
	enum command_end end;
	int exit_code;
	int signal;
	struct strbuf out, err;  /* captured text; .text may be NULL when nothing came */
	bool out_truncated, err_truncated;
	char error[512];         /* COMMAND_NOT_RUN: what failed and errno's text */
};

/* Runs argv (argv[0] looked up on PATH) to its end or its timeout.
 * Returns 0 when the program ran (whatever its exit), -1 when it could not be
 * started (result->end == COMMAND_NOT_RUN, result->error says why).
 * result is always initialised; free it with command_result_free. */
int command_run(const char *const *argv, const struct command_options *options,
		struct command_result *result);
void command_result_free(struct command_result *result);

/* True when the command exited with status 0. */
bool command_succeeded(const struct command_result *result);
/* "exited with status 1", "killed by signal 9 (Killed)", "timed out after 30 s
 * (killed by signal 15)", or the start error. */
void command_describe(const struct command_result *result, const struct command_options *options,
		      char *buf, size_t len);

#endif
