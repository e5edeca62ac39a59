/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading what a failed attempt left in its logs: the tail of its stderr
 * and of Slurm's output for the array task (where slurmstepd writes its
 * "DUE TO TIME LIMIT" banners), where the run's layout puts them
 * (plan/log_paths.h: logs/<component>-<index>.<attempt>.err and
 * logs/slurm-<array_job>_<task>.out in layout 1, fanned out in layout 2),
 * and the lines in them that matter.
 *
 * Tests: orchestrator/tracker/test/test_classify.c. */
#ifndef SCALABLE_ATTEMPT_LOGS_H
#define SCALABLE_ATTEMPT_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAILURE_TAIL_MAX (64 * 1024)   /* bytes read from the end of a log */
#define TRACEBACK_MAX_LINES 40
#define TRACEBACK_MAX_BYTES 4096

/* The last max bytes of path, starting at a line when cut (at a character
 * when the cut line is the only one); NUL bytes become
 * spaces, bytes that are not UTF-8 '?'. NULL when the file is missing or
 * empty. */
char *read_file_tail(const char *path, size_t max);

/* The two tails of one attempt in the run's layout (RUN_LAYOUT_*; each
 * NULL when absent; free both). */
void attempt_logs_read(const char *run_dir, int layout, const char *component, size_t index,
		       unsigned attempt, int64_t array_job_id, int64_t array_task_id,
		       char **stderr_tail, char **slurm_output_tail);

/* True for a line that says nothing about the failure: blank, or written by
 * slurmstepd or srun themselves. */
bool line_is_noise(const char *line, size_t len);
/* The last line of text that is not noise, as a terminal shows it (after
 * its last \r, without escape sequences), trimmed, valid UTF-8 cut on a
 * whole character, into buf; false if none. */
bool last_meaningful_line(const char *text, char *buf, size_t len);
/* The exception's name: the line after the last Python traceback that
 * starts at column 0, else a "Name: ..." line whose Name looks like an
 * exception (ends in Error, Exception, Exit, Interrupt, Warning or Fault).
 * Searched from the end; false if none. */
bool exception_name(const char *text, char *buf, size_t len);
/* The last TRACEBACK_MAX_LINES lines of text within TRACEBACK_MAX_BYTES
 * (malloc'd; NULL for NULL text). */
char *traceback_tail(const char *text);

#endif
