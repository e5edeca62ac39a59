/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable report: a run's report as one self-contained HTML page (inline
 * CSS and a few lines of inline JS; nothing loaded from anywhere), as
 * Markdown for mail and terminals, or as JSON for scripts.
 *
 * Built on diagnose (diagnose.h): the same reading of the run directory
 * and the same findings, plus what a report shows besides: the run's
 * header, counts per state and per failure class, a timeline of every
 * index (aggregated into at most REPORT_BUCKETS_MAX buckets of consecutive
 * indices, so 100,000 tasks make as small a page as 200), peak memory and
 * durations per component against their requests (the config's request
 * apart from the escalations of OOM retries), and the first failures of
 * each class. Everything taken from the run is escaped.
 *
 * Read-only on the run (no lock): works on a finished run, one in
 * progress, one whose orchestrator died, and one without failures.
 *
 * Tests: orchestrator/report/test/test_report.c,
 * orchestrator/report/test/test_report_memory.c. */
#ifndef SCALABLE_REPORT_H
#define SCALABLE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/util/error.h"

enum report_format { REPORT_HTML, REPORT_MARKDOWN, REPORT_JSON };

/* "html", "md" (or "markdown"), "json"; false for anything else. */
bool report_format_from_name(const char *name, enum report_format *format);
/* "html", "md", "json": also the extension of the default file. */
const char *report_format_name(enum report_format format);

/* Writes the report of the run at run_dir to path: atomically (a
 * temporary file renamed over it), or to stdout when path is "-"; NULL
 * is <run_dir>/report.<html|md|json>. Errors: exit code 5 when run_dir
 * holds no run, 3 when a file cannot be read or written. */
int report_write(const char *run_dir, enum report_format format, const char *path,
		 struct error *err);

/* Renders the report of the run at run_dir onto out. */
int report_print(FILE *out, const char *run_dir, enum report_format format,
		 struct error *err);

#endif
