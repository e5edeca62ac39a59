/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the report_*.c files share: the run as a report sees it (the
 * diagnosis, and per component the timeline's buckets and the spread of
 * peaks and durations; per failure class its first records). One file per
 * job:
 *   data        report_load.c (diagnose, then the rest), report_samples.c
 *               (the first failures of each class), report_timeline.c
 *               (buckets of indices), report_stats.c (spreads), report_words.c (numbers in words);
 *   escaping    report_escape.c (HTML, Markdown, UTF-8 for JSON);
 *   output      report_html.c, report_html_parts.c (timeline, resources),
 *               report_markdown.c, report_json.c, report_write.c. */
#ifndef SCALABLE_REPORT_IMPL_H
#define SCALABLE_REPORT_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diagnose/diagnose_impl.h"
#include "report/report.h"

#define REPORT_BUCKETS_MAX 200      /* columns of a component's timeline */
#define REPORT_SAMPLES_PER_CLASS 10 /* failures listed per class: "N more" */
#define REPORT_CLASSES_LISTED 20    /* classes with a table of failures (any
				       string can be a class in failures.jsonl) */

/* What became of an index (its latest attempt), as the timeline colours it. */
enum report_outcome {
	REPORT_SUCCEEDED,              /* at its first attempt */
	REPORT_RETRIED,                /* succeeded after retries */
	REPORT_CACHED,
	REPORT_FAILED,
	REPORT_CANCELLED,
	REPORT_ACTIVE,                 /* submitted, running or requeued */
	REPORT_UNSEEN,                 /* no row in tasks.jsonl yet */
	REPORT_SKIPPED,                /* a later stage's, after its upstream failed */
	REPORT_OUTCOMES
};

/* A run of consecutive indices [first, last] of one component. */
struct report_bucket {
	size_t first, last;
	size_t outcomes[REPORT_OUTCOMES];
	uint64_t attempts;             /* latest attempt numbers, summed */
};

/* A spread of values: count 0 when none was measured. */
struct report_spread {
	size_t count;
	double min, median, p95, max;
};

struct report_component {
	const char *name;              /* in the diagnosis */
	size_t tasks;                  /* indices with a row */
	uint64_t attempts;
	size_t by_state[TASK_STATE_COUNT];
	struct report_spread peak, duration;  /* bytes; seconds */
	int64_t memory_request, walltime_request;  /* largest seen; 0 unknown */
	int64_t configured_request;    /* the config's (dx_configured_request); 0 unknown */
	size_t above_80, above_90;     /* tasks whose memory samples reached 80 %, 90 % */
	const struct dx_requests *requests;  /* attempts that ended, by request */
	struct report_bucket *buckets;
	size_t n_buckets;
};

/* One failures.jsonl record as the table shows it. */
struct report_failure {
	char *component, *worker, *message;
	int64_t task_id, attempt, exit_code, signal;  /* -1 unknown */
};

struct report_class {
	const char *name;              /* in the diagnosis */
	size_t count;                  /* failed attempts */
	struct report_failure samples[REPORT_SAMPLES_PER_CLASS];
	size_t n_samples;
};

struct report {
	struct diagnosis *dx;
	struct report_component *comps;  /* by component id */
	size_t n_comps;
	struct report_class *classes;    /* most failures first; count > 0 */
	size_t n_classes;
	double duration_s;               /* started to finished (or now); -1 unknown */
	char generated_at[32];
};

/* report_load.c */
int report_load(const char *run_dir, struct report **out, struct error *err);
void report_free(struct report *r);

/* report_samples.c: the first REPORT_SAMPLES_PER_CLASS records of each of
 * the first REPORT_CLASSES_LISTED of r->classes, in file order; stops
 * reading once each has its share. */
int report_samples(struct report *r, struct error *err);

/* report_timeline.c */
enum report_outcome report_outcome_of(struct dx_task_state t);
const char *report_outcome_name(enum report_outcome o);
/* Splits indices 0 .. n_indices-1 into min(n_indices, max) buckets of
 * consecutive indices whose sizes differ by one at most; tasks (n_tasks of
 * them, by index; indices past n_tasks are unseen) say each one's outcome.
 * Returns the number of buckets written to out. */
size_t report_buckets(const struct dx_task_state *tasks, size_t n_tasks, size_t n_indices,
		      struct report_bucket *out, size_t max);

/* report_stats.c: the spread of values (reordered). */
struct report_spread report_spread_of(float *values, size_t n);

/* report_escape.c */
/* text as HTML character data or an attribute value: & < > " ' escaped,
 * control characters but tab and newline dropped. */
void report_html_text(FILE *out, const char *text);
/* text as one Markdown table cell or line: newlines become spaces, and
 * the punctuation that makes emphasis, code, links, tables or raw HTML
 * (\ ` * _ [ ] | ~ < > &) is escaped with a backslash (CommonMark). */
void report_md_text(FILE *out, const char *text);
/* Renderers: 0, or -1 when writing failed. */
int report_html(FILE *out, const struct report *r);
int report_html_timeline(FILE *out, const struct report *r);
int report_html_resources(FILE *out, const struct report *r);
int report_markdown(FILE *out, const struct report *r);
int report_json(FILE *out, const struct report *r);

/* report_words.c: sizes and times for people (diagnose_sizes.h), "-" when
 * unknown; whether an orchestrator follows the run, in words ("" when the
 * run closed). */
void report_bytes(int64_t bytes, char *buf, size_t len);
void report_seconds(double seconds, char *buf, size_t len);
void report_orchestrator_text(const struct diagnosis *dx, char *buf, size_t len);
/* The requests above the configured one (above the smallest when it is
 * unknown) that attempts asked, as "512M ×2, 1G ×1"; "-" when none. */
void report_escalations_text(const struct report_component *c, char *buf, size_t len);
/* Whether request r is an escalation of c's configured request. */
bool report_is_escalation(const struct report_component *c, const struct dx_request *r);

#endif
