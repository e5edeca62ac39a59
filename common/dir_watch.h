/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What changed in one directory, told by the kernel (inotify) instead of
 * found by listing it and opening its files: the names created, moved in or
 * written to since the last call. Only where the directory is on a local
 * filesystem (ext2/3/4, xfs, btrfs, tmpfs, overlay, zfs, f2fs): inotify does
 * not see what other hosts write to NFS, Lustre, GPFS and the like, so
 * there dir_watch_open says no and the caller polls as before.
 * Tests: common/test/test_event_reader.c (the reader watched: only what
 * changed opened, new files without a listing, a directory replaced). */
#ifndef SCALABLE_DIR_WATCH_H
#define SCALABLE_DIR_WATCH_H

#include <stdbool.h>

struct dir_watch;

/* A watch of dir, or NULL where there is none to be had (not local, no
 * inotify, out of watches or memory): the caller then polls. Names changed
 * from this call on are reported: list the directory after it, not before. */
struct dir_watch *dir_watch_open(const char *dir);
void dir_watch_close(struct dir_watch *w);

/* Called once per name reported (a name may come more than once); non-zero
 * stops dir_watch_changes, which then returns -1. */
typedef int (*dir_watch_fn)(const char *name, void *ctx);

/* Hands every name created, moved in or written to since the last call to
 * fn. Returns 0; 1 when the kernel could not say everything (its queue
 * overflowed, the directory was removed or moved, or a subdirectory
 * appeared, whose contents are not watched): the watch is then over
 * (dir_watch_close it), and only a new watch and a listing can tell;
 * -1 when reading failed or fn stopped it. */
int dir_watch_changes(struct dir_watch *w, dir_watch_fn fn, void *ctx);

/* Whether a filesystem of this statfs f_type reports every change to
 * inotify (local ones). */
bool dir_watch_fs_is_local(long f_type);

#endif
