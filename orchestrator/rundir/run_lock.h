/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lock that keeps two orchestrators off one run: flock(2) on
 * <run_dir>/.lock, taken without waiting. The holder writes who it is into
 * the file, so the one turned away can say which process to look at. The
 * kernel drops the lock when the holder dies, however it dies.
 *
 * Tests: orchestrator/rundir/test/test_run_dir.c. */
#ifndef SCALABLE_RUN_LOCK_H
#define SCALABLE_RUN_LOCK_H

#include "lib/util/error.h"
#include "rfc3339.h"

#define RUN_LOCK_FILE ".lock"

struct run_lock_holder {
	long pid;                  /* 0 when unknown */
	char host[256];
	char command[64];          /* "run", "watch", ... */
	char since[RFC3339_BUFSZ];
};

/* Locks the run at run_path for command; returns the descriptor holding the
 * lock (close-on-exec, so children never inherit it), or -1 with err: exit
 * code SCALABLE_EXIT_LOCKED and a message naming the holder when another
 * process has it, else a system error. */
int run_lock_take(const char *run_path, const char *command, struct error *err);
void run_lock_release(int fd);

/* Reads what the holder wrote; 0, or -1 when the file says nothing usable. */
int run_lock_read_holder(const char *run_path, struct run_lock_holder *holder);

#endif
