/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A process-wide SIGCHLD self-pipe, for kernels without pidfds (< 5.3): the
 * handler writes a byte, so poll() on the read end wakes when a child ends.
 *
 * Tests: orchestrator/local/test/test_local_executor.c (its no-pidfd
 * fixture). */
#ifndef SCALABLE_SIGCHLD_PIPE_H
#define SCALABLE_SIGCHLD_PIPE_H

/* Installs the handler on first use (chaining to a previous handler) and
 * returns the pipe's read end, or -1 with errno. Reference counted. */
int sigchld_pipe_acquire(void);

/* Drops a reference; the last one restores the previous SIGCHLD action. */
void sigchld_pipe_release(void);

/* Empties the pipe (after poll said it is readable). */
void sigchld_pipe_drain(void);

#endif
