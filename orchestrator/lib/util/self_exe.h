/* SPDX-License-Identifier: GPL-2.0-or-later */
/* This program's absolute path, for the command lines of the jobs that run
 * it again (a sweeper, `pack-exec`). /proc/self/exe names the file this
 * process was started from; once an upgrade has replaced that file it reads
 * "<path> (deleted)", and <path> is then the new binary at the same place.
 *
 * Tests: orchestrator/lib/util/test/test_self_exe.c. */
#ifndef SCALABLE_SELF_EXE_H
#define SCALABLE_SELF_EXE_H

#include <stddef.h>

/* The program's path from link, what readlink("/proc/self/exe") gave: as it
 * is, or without its " (deleted)" when that file is gone and an
 * executable file is at the path. Returns a malloc'd path, or NULL with
 * why (a sentence) filled. */
char *self_exe_from_link(const char *link, char *why, size_t why_len);
/* The same for this process. */
char *self_exe_path(char *why, size_t why_len);

#endif
