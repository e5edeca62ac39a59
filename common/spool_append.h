/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Appending one record to a spool file: one write(2) per line, so readers see
 * whole lines or a truncated last one, never two records interleaved.
 *
 * Tests: common/test/test_step_event.c (one write(2) per line, appends,
 * directories level by level). */
#ifndef SCALABLE_SPOOL_APPEND_H
#define SCALABLE_SPOOL_APPEND_H

#include <stddef.h>

/* Flags for a spool file: append-only, never through a symlink, not
 * inherited, and never waiting in open (a FIFO planted under the name). */
#define SPOOL_OPEN_FLAGS (O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | \
			  O_NONBLOCK)

/* Opens (creating with mode) name under dirfd for appending; returns fd or
 * -1 with errno. Only a regular file: a FIFO, socket or device planted under
 * the name is refused (EINVAL), whatever reads it. */
int spool_open_at(int dirfd, const char *name, int mode);

/* Opens the directory path (relative to dirfd, levels separated by '/')
 * level by level, creating each with mode where missing (EEXIST is fine):
 * every level is opened with O_DIRECTORY | O_NOFOLLOW, so a symlink or a
 * file in the way is refused (ENOTDIR or ELOOP), and "", ".", ".." or an
 * empty level is EINVAL. Returns the last level's fd (dirfd stays open), or
 * -1 with errno. */
int spool_dir_open_at(int dirfd, const char *path, int mode);

/* Writes line (which ends in '\n') with a single write(2). On a short write it
 * terminates the partial line so the next record starts clean. Returns 0 or -1 with errno. */
int spool_append_line(int fd, const char *line, size_t len);

#endif
