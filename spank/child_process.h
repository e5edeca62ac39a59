/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Work that must not run in slurmstepd itself: a forked child, optionally
 * dropped to the job user, waited for with a hard bound. slurmstepd never
 * changes its own uid (seteuid is unsafe in a multithreaded process).
 *
 * Tests: spank/test/test_sinks.c (as root: the drop to the job user, the
 * deadline). */
#ifndef SCALABLE_CHILD_PROCESS_H
#define SCALABLE_CHILD_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct job_identity {
	uid_t uid;
	gid_t gid;
	gid_t *groups;      /* supplementary groups, may be NULL */
	int ngroups;
};

enum child_result {
	CHILD_OK = 0,        /* the work returned 0 */
	CHILD_FAILED,        /* the work returned non-zero; errno-like code in *child_errno */
	CHILD_TIMED_OUT,     /* killed at the deadline */
	CHILD_NOT_STARTED,   /* fork failed */
	CHILD_LOST,          /* someone else reaped it: outcome unknown */
};

/* Runs work(arg) in a child. With who, the child first drops to that user for
 * good (setgroups, setresgid, setresuid) and fails if it cannot. The child
 * closes inherited descriptors and has default signal dispositions. The work's
 * return value (0 = success, else an errno) becomes the child's exit status.
 * Waits at most timeout_ms; on expiry the child is SIGKILLed. */
enum child_result run_in_child(const struct job_identity *who, int timeout_ms,
			       int (*work)(void *), void *arg, int *child_errno);

const char *child_result_name(enum child_result r);

/* Reaps the children killed at their deadline that have died since,
 * waiting at most wait_ms for the rest (0: not at all); returns how many
 * are still unreaped (stuck in the kernel). run_in_child calls it first. */
size_t child_reap_pending(int wait_ms);

/* In a freshly forked child: default signal dispositions, nothing blocked,
 * every inherited descriptor above stderr closed but keep (-1: none). */
void child_sanitize(int keep);

/* Hands a child that could not be reaped yet (killed, stuck in the kernel)
 * to child_reap_pending. */
void child_reap_later(pid_t pid);

#endif
