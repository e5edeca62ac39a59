/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The orchestrator's own JSONL files (tasks.jsonl, failures.jsonl,
 * journal.jsonl): appended one record per write(2), read back whole after a
 * crash. A crash can leave a torn last line: readers skip it, and the next
 * writer (the single one, holding the run's lock) cuts it off before it
 * appends, as it cuts off a record a failed write left half-written. So
 * between crashes every line is a whole JSON object, and a plain
 * `json.loads` per line (the tutorial's analysis) works. */
#ifndef SCALABLE_JSONL_FILE_H
#define SCALABLE_JSONL_FILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/util/error.h"

/* Significant digits of reals (durations): 0.09, not 0.089999999999999997. */
#define JSONL_REAL_DIGITS 10

/* Called once per complete line holding a JSON object; return 0 to go on,
 * non-zero to stop reading (jsonl_read then returns that value). */
typedef int (*jsonl_handler)(json_t *record, void *ctx);

/* Reads path line by line (memory bounded by the longest line). A missing
 * file reads as empty. Lines that are not JSON objects, and a last line
 * without its newline, are skipped and counted in *skipped (may be NULL).
 * Returns 0, the handler's non-zero value, or -1 with err on I/O errors. */
int jsonl_read(const char *path, jsonl_handler handler, void *ctx, size_t *skipped,
	       struct error *err);

/* Called once per complete line, without its newline (len > 0); return 0
 * to go on, non-zero to stop. */
typedef int (*jsonl_line_handler)(const char *line, size_t len, void *ctx);

/* jsonl_read's loop without the parsing, for readers that can look at a
 * line faster than jansson (cache.jsonl's index): a last line without its
 * newline is skipped and counted in *skipped (may be NULL). */
int jsonl_read_lines(const char *path, jsonl_line_handler handler, void *ctx,
		     size_t *skipped, struct error *err);

/* Opens path for appending (created 0644), cutting off a torn last line
 * first. Returns the descriptor, or -1 with err. */
int jsonl_open_append(const char *path, struct error *err);

/* Appends record as one compact line in one write(2); with durable, also
 * fdatasync()s before returning. A write that fails part way is cut off
 * again. path names the file in errors. */
int jsonl_append(int fd, const json_t *record, bool durable, const char *path,
		 struct error *err);

#endif
