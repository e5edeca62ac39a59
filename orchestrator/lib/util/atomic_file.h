/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files replaced whole, never seen half-written: write PATH.tmp, fsync it,
 * rename it over PATH, fsync the directory. After a crash at any instant a
 * reader finds either the old file or the new one. */
#ifndef SCALABLE_ATOMIC_FILE_H
#define SCALABLE_ATOMIC_FILE_H

#include <jansson.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/util/error.h"

/* Fills the temporary file; returns 0, or -1 (errno says why). */
typedef int (*atomic_filler)(FILE *file, void *ctx);

int atomic_write_with(const char *path, mode_t mode, atomic_filler fill, void *ctx,
		      struct error *err);
int atomic_write_text(const char *path, mode_t mode, const char *text, size_t len,
		      struct error *err);
/* JSON with two-space indent and the object's key order, and a newline. */
int atomic_write_json(const char *path, const json_t *json, struct error *err);

/* fsyncs the directory holding path, so a rename or a new file in it lasts. */
int fsync_parent_dir(const char *path);

#endif
