/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The output files a cache record vouches for (cache_log.h's "outputs"):
 * each file's absolute path, size, mtime and sha256, taken when the task
 * succeeded, and the test a hit must pass: every recorded file present and
 * unchanged.
 *
 * Unchanged means the same sha256. A file whose size differs has changed
 * without being read; one whose size and mtime (to the nanosecond) are
 * those recorded is taken as unchanged without being read (what make and
 * rsync trust too); only a file of the same size with another mtime is
 * hashed again. So a hit costs one stat per output, and a touch costs one
 * read of the file.
 *
 * Tests: orchestrator/rundir/test/test_cache_outputs.c. */
#ifndef SCALABLE_CACHE_OUTPUTS_H
#define SCALABLE_CACHE_OUTPUTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/util/error.h"
#include "rundir/task_outputs.h"

/* Fills each file's sha256; -1 with err when one cannot be read. */
int cache_outputs_hash(struct output_files *files, struct error *err);
/* [{"path", "size", "mtime_ns", "sha256"}, ...]; NULL when out of memory. */
json_t *cache_outputs_json(const struct output_files *files);
/* The files of such an array; false (nothing kept) when it is not one. */
bool cache_outputs_from_json(const json_t *array, struct output_files *out);
/* True when every file is present and unchanged (above); else false, with
 * why ("results/3.csv: missing", "...: changed") in why. */
bool cache_outputs_intact(const struct output_files *files, char *why, size_t len);

#endif
