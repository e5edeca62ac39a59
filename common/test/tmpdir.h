/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scratch directories and small files for unit tests. */
#ifndef SCALABLE_TEST_TMPDIR_H
#define SCALABLE_TEST_TMPDIR_H

#include <stddef.h>

/* Creates a fresh directory under $TMPDIR (mode 0755); aborts the test run on failure. */
char *tmpdir_create(void);

/* Removes the directory tree. */
void tmpdir_remove(char *dir);

/* Writes text to dir/relpath, creating parent directories. */
void tmpdir_write(const char *dir, const char *relpath, const char *text);

/* Reads dir/relpath into a malloc'd string (NULL if absent). */
char *tmpdir_read(const char *dir, const char *relpath);

/* Counts lines of dir/relpath (-1 if absent). */
int tmpdir_count_lines(const char *dir, const char *relpath);

#endif
