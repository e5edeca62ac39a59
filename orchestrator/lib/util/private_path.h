/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether a path is the caller's own and only the caller can change it:
 * what another user on the cluster could plant or swap (a run's manifest,
 * the directory sbatch runs scripts from) is trusted only then.
 *
 * Tests: orchestrator/lib/util/test/test_private_path.c. */
#ifndef SCALABLE_PRIVATE_PATH_H
#define SCALABLE_PRIVATE_PATH_H

#include <stdbool.h>
#include <sys/stat.h>

/* True when path (not followed if a symlink) is owned by the caller and
 * group and others cannot write it. *st (may be NULL) gets what lstat saw;
 * after a failed lstat, errno says why and st_mode is 0. */
bool private_path(const char *path, struct stat *st);

#endif
