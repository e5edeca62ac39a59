/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkdir -p: a path and its missing parents, each made with a mode (less
 * the umask); a part already there is fine, whatever its mode.
 *
 * Tests: orchestrator/lib/util/test/test_make_dirs.c. */
#ifndef SCALABLE_MAKE_DIRS_H
#define SCALABLE_MAKE_DIRS_H

#include <sys/types.h>

/* Makes path and its missing parents; 0, or -1 with errno. */
int make_dirs(const char *path, mode_t mode);
/* Makes the directory part of path (everything before its last '/') and
 * its missing parents; 0, or -1 with errno. */
int make_parent_dirs(const char *path, mode_t mode);

#endif
