/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What to do about one failed attempt (docs/design.md, "Failure classes and
 * retry"): give up, follow what Slurm requeued, or resubmit with new
 * resources after a backoff.
 *
 * Pure: the decision depends only on the attempt, the class's policy, the
 * time and the random source given, so tests fix both. It is made once,
 * when the attempt fails, and kept as this struct (by the tracker, see
 * retry_tracker.h); the next wave is built from it. JSON is only the file
 * boundary: failures.jsonl's details.retry is written from it
 * (retry_decision_json) and read back into it on re-attach
 * (retry_decision_from_json), so a re-attached orchestrator resubmits
 * exactly what was decided, jitter included.
 *
 * Counting. max_attempts counts the attempts that failed with this class,
 * the first included: transient's default 4 is the first try and 3 retries.
 * class_failures is that count with the failed attempt in it (>= 1), so
 * class_failures >= max_attempts gives up.
 *
 * Per class:
 *  - oom: next memory = min(cap, max(request x memory_factor, peak x 1.25)),
 *    rounded up to whole MiB; peak is the larger of the end event's and the
 *    highest memory the step's samples saw (docs/telemetry.md "Memory
 *    samples": page cache included, which the end event's RSS leaves out,
 *    so an OOM whose RSS stayed below the limit still grows from the limit). A request already at the cap, memory that
 *    would not grow, or neither a request nor a peak to grow from: give up.
 *  - timeout: walltime x walltime_factor rounded up to whole minutes (what
 *    Slurm keeps), up to walltime_cap; at the cap, or not growing: give up.
 *    With no walltime requested, the limit Slurm applied stands in.
 *  - node_fail: the same resources, the failed node added to the nodes the
 *    attempt already excluded (--exclude), unless that would exclude every
 *    node of the partition (partition_nodes given): the retry could never be
 *    scheduled, so the node stays allowed and note says why.
 *  - preempted: unlimited by default; an attempt Slurm requeued by itself is
 *    followed, never resubmitted.
 *  - transient and the rest: the same resources.
 * Backoff: initial x factor^(n-1) capped at max, n = class_failures; jitter
 * moves it by up to +-jitter of itself (then capped at max again), whole
 * seconds. The delay becomes --begin=now+N: nothing sleeps.
 *
 * Tests: orchestrator/retry/test/test_retry.c,
 * orchestrator/retry/test/test_retry_decision_json.c. */
#ifndef SCALABLE_RETRY_DECISION_H
#define SCALABLE_RETRY_DECISION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/config_file.h"
#include "failure_class.h"
#include "plan/plan.h"

#define RETRY_EXCLUDE_SIZE 256   /* "n1,n2,...": about twenty node names */
#define RETRY_REASON_SIZE 128
#define RETRY_SUMMARY_SIZE 256
#define RETRY_OOM_PEAK_MARGIN 1.25

enum retry_action {
	RETRY_GIVE_UP,     /* permanent: the task ends failed */
	RETRY_RESUBMIT,    /* a new attempt in a later wave */
	RETRY_FOLLOW,      /* Slurm requeued it: the same attempt goes on */
};

/* A uniform number in [0, 1), for the jitter. */
struct retry_random {
	double (*next)(void *ctx);
	void *ctx;
};

/* The failed attempt, as the decision needs it. */
struct retry_input {
	const struct component *component;
	size_t index;
	unsigned attempt;                 /* the failed one: 1, 2, ... */
	enum failure_class failure_class;
	unsigned class_failures;          /* of this class, this one included */
	struct resources resources;       /* what the attempt requested */
	int64_t max_rss_bytes;            /* measured peak; < 0: unknown */
	int64_t sampled_peak_bytes;       /* the samples' highest while it ran; <= 0: none */
	double elapsed_s;                 /* < 0: unknown */
	int64_t time_limit_s;             /* the limit Slurm applied; < 0: unknown */
	const char *node;                 /* where it ran; NULL or "": unknown */
	const char *excluded;             /* "n1,n2" the attempt excluded; NULL: none */
	const char *partition;            /* the target's partition, for note; NULL: default */
	const char *partition_nodes;      /* "n1,n2": its nodes; NULL: unknown */
	bool requeued_by_slurm;           /* Slurm requeued it itself (preemption) */
};

struct retry_decision {
	enum retry_action action;
	const struct component *component;
	size_t index;
	enum failure_class failure_class;
	unsigned attempt;                 /* the failed one */
	unsigned next_attempt;            /* attempt + 1 when resubmitted */
	unsigned class_failures, max_attempts;  /* max 0: unlimited */
	/* the failed attempt's: for the summary, not in details.retry (the
	   attempt's task row has it) */
	struct resources previous;
	/* the next attempt's; a decision that gives up or follows has none: 0
	   resources, exclude "" */
	struct resources resources;
	char exclude[RETRY_EXCLUDE_SIZE]; /* --exclude for the next attempt; "": none */
	uint64_t delay_s;                 /* backoff after the failure */
	int64_t not_before;               /* decided at + delay_s (Unix time) */
	char reason[RETRY_REASON_SIZE];   /* why it gives up or follows */
	char note[RETRY_REASON_SIZE];     /* a resubmission's caveat ("" none): a
					     node kept that failed */
};

/* Decides about in under policy at time now; random NULL: no jitter. */
void retry_decide(const struct retry_input *in, const struct retry_policy *policy,
		  const struct retry_random *random, time_t now, struct retry_decision *out);

/* The backoff before retry n (n >= 1) of a class; u in [0, 1) sets the
 * jitter (0.5: none). */
uint64_t retry_backoff_s(const struct backoff *backoff, unsigned n, double u);

/* A source of randomness for the run loop: drand48_r seeded once from the
 * clock and the pid. */
struct retry_random retry_random_system(void);

/* One line for people: "retry 2/4 in 60s with memory 4G→8G",
 * "give up: oom: memory cap 64G reached". */
void retry_summary(const struct retry_decision *d, char *buf, size_t len);

/* A span for people: "4h", "90m", "45s" (the largest unit that divides);
 * returns buf. */
const char *retry_span_text(uint64_t seconds, char *buf, size_t len);

/* details.retry: {"action", "summary", "reason"?, "attempt", "next_attempt",
 * "class_failures", "max_attempts", "delay_s", "not_before", "resources"
 * {cpus, memory_bytes, walltime_s}, "exclude" [...], "note"?}. NULL when out of memory. */
json_t *retry_decision_json(const struct retry_decision *d);
/* Reads details.retry back for the attempt of component/index: what
 * retry_decision_json wrote from a decision of retry_decide, every field
 * but previous (0; the failed attempt's task row has it). -1 when it is
 * not one of ours (null, or written by an older scalable). */
int retry_decision_from_json(const json_t *retry, const struct component *component,
			     size_t index, struct retry_decision *out);

#endif
