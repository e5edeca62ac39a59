/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The admin spool: a root-owned directory holding one subdirectory per uid
 * (root:<job gid>, 0750) with the same event files as a run directory.
 *
 * Tests: spank/test/test_sinks.c (as root; the security rules). */
#ifndef SCALABLE_ADMIN_SPOOL_SINK_H
#define SCALABLE_ADMIN_SPOOL_SINK_H

#include <stddef.h>
#include <sys/types.h>

#include "child_process.h"

/* Appends line to spool_dir/<uid>/file_name in a root child bounded by
 * timeout_ms. Refuses (EPERM) a spool or user directory that is not a real
 * directory owned by root and writable by root alone. */
enum child_result admin_spool_append(const char *spool_dir, uid_t uid, gid_t gid,
				     const char *file_name, const char *line, size_t len,
				     int timeout_ms, int *err);

#endif
