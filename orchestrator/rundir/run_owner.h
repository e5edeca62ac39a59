/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whose a run is (docs/run-directory.md, "Other users"): on a runs
 * directory other users can write, a run directory someone else made is
 * never taken for one of ours. */
#ifndef SCALABLE_RUN_OWNER_H
#define SCALABLE_RUN_OWNER_H

#include <stdbool.h>

#include "lib/util/error.h"
#include "rundir/run_dir.h"

/* Whether root/id is a directory (not a symlink) of the caller's uid. */
bool run_owned(const char *root, const char *id);
/* 0 when run's directory is the caller's; else -1 with a clear error and
 * exit code 5 (SCALABLE_EXIT_NOT_FOUND): no run of ours is there. */
int run_check_owner(const struct run_dir *run, const char *command, struct error *err);
/* 0 when new runs may be made under root: a directory of the caller's (or
 * of root) that group and others cannot write, or only with the sticky bit
 * (then nobody else can rename a run away and put theirs in its place);
 * else -1 with a clear error, exit code 2. */
int runs_root_check(const char *root, struct error *err);
/* One line on stderr when list left out runs of other users (once per
 * process). */
void run_list_note_foreign(const char *root, const struct run_list *list);

#endif
