/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the diagnose_*.c files share: the run as diagnose reads it (names,
 * groups of failures, per-component task tables, the scenario table), and
 * the findings made from it. One file per job:
 *   reading     diagnose_scan.c (JSON fields), diagnose_lines.c (lines of
 *               a file or a range of one), diagnose_parallel.c (threads),
 *               diagnose_merge.c (their partial results);
 *   the files   diagnose_failures.c, diagnose_tasks.c, diagnose_scenarios.c,
 *               diagnose_plan.c (the config's requests and OOM policy);
 *   tables      diagnose_names.c (interning), diagnose_group.c (groups);
 *   analysis    diagnose_pattern.c (message patterns), diagnose_outcome.c
 *               (what became of each group's tasks), diagnose_shared.c
 *               (what failing scenarios share), diagnose_findings.c
 *               (severity, order, the node finding), diagnose_suggest*.c
 *               and diagnose_evidence.c (evidence and suggestions),
 *               diagnose_requests.c (attempts by memory request),
 *               diagnose_sizes.c (the numbers), diagnose_traceback.c;
 *   output      diagnose_human.c, diagnose_json.c;
 *   freeing     diagnose_free.c. */
#ifndef SCALABLE_DIAGNOSE_IMPL_H
#define SCALABLE_DIAGNOSE_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diagnose/diagnose.h"
#include "diagnose/diagnose_scan.h"
#include "failure_class.h"
#include "rundir/run_lock.h"
#include "rundir/run_record.h"
#include "lib/util/strbuf.h"
#include "lib/util/u64_map.h"
#include "rfc3339.h"
#include "rundir/telemetry.h"

#define DX_NO_ID UINT32_MAX
#define DX_MESSAGE_MAX 512         /* bytes of a message kept and patterned */
#define DX_NAME_MAX 256            /* bytes of a component, node or class name */
#define DX_GROUPS_MAX 4096         /* beyond: one "other messages" group per class */
#define DX_TASK_ID_MAX (1u << 24)  /* larger task ids are not scenario indices: tables
					    are indexed by them */
#define DX_EXIT_CODES 8            /* distinct exit codes counted per group */
#define DX_OTHER_PATTERN "(other messages)"

/* Strings interned to dense ids (classes, components, nodes). */
struct dx_names {
	char **names;
	size_t count, cap;
	uint32_t *slots;               /* id + 1; 0 is a free slot */
	size_t nslots;
	char last[DX_NAME_MAX];        /* dx_intern's last name, as written in JSON */
	size_t last_len;
	uint32_t last_id;
};

/* The id of s (len bytes), added when new; DX_NO_ID when memory runs out. */
uint32_t dx_names_id(struct dx_names *names, const char *s, size_t len);
/* The id of s, or DX_NO_ID when it is not there. */
uint32_t dx_names_find(const struct dx_names *names, const char *s, size_t len);
void dx_names_free(struct dx_names *names);
/* The id of a JSON string value among names; DX_NO_ID when it is no
 * string or empty, with *oom set when memory ran out. */
uint32_t dx_intern(struct dx_names *names, struct jspan value, bool *oom);

/* The attempts that asked one memory request (diagnose_requests.c). */
#define DX_REQUESTS 16             /* distinct requests told apart per table */
struct dx_request {
	int64_t bytes;                 /* the request; 0: none recorded */
	uint32_t attempts;             /* attempts that asked it */
	uint32_t measured;             /* of them, with a known peak */
	int64_t peak;                  /* their largest peak */
};

/* A table of up to DX_REQUESTS requests, by size; made at the first add. */
struct dx_requests {
	struct dx_request *items;
	uint8_t count;
	bool more;                     /* a request past the table's size was left out */
};

/* Counts one attempt of request bytes (peak: <= 0 unknown); 0, or -1. */
int dx_requests_add(struct dx_requests *t, int64_t bytes, int64_t peak);
/* Adds from's attempts to to; 0, or -1. */
int dx_requests_merge(struct dx_requests *to, const struct dx_requests *from);
void dx_requests_free(struct dx_requests *t);

/* One component's failed attempts within a group (from tasks.jsonl); 0
 * is unknown, as in every per-id array here (they grow zero-filled). */
struct dx_group_component {
	uint32_t failures;             /* records in failures.jsonl */
	uint32_t measured;             /* failed attempts with a known peak */
	int64_t peak_rss;              /* the largest peak */
	int64_t request;               /* the largest memory request */
	double elapsed_max;            /* the longest failed attempt */
	int64_t walltime;              /* the largest walltime request */
	struct dx_requests requests;   /* OOM: the failed attempts by request */
	uint32_t at_memory_cap;        /* OOM: gave up at retry.oom.memory_cap */
	int64_t memory_cap;            /* the cap they named; 0 unknown */
};

struct dx_task_ref {
	uint32_t component, task;
	uint32_t attempt;              /* in a group's tasks: its latest failed attempt there */
};

struct dx_exit_count {
	int code;
	size_t count;
};

/* What the failing scenarios of a group share (diagnose_shared.c). */
enum dx_shared_kind {
	DX_SHARED_ALL,                 /* every failing scenario has this value */
	DX_SHARED_OVER,                /* the value is over-represented */
	DX_SHARED_AT_LEAST,            /* every failing one has a value >= this */
};

struct dx_shared {
	enum dx_shared_kind kind;
	char *parameter, *value;
	size_t failing, failing_total; /* failing scenarios with it, of those known */
	size_t all, all_total;         /* scenarios with it, of all */
};

/* The failed attempts of one failure class and message pattern. */
struct dx_group {
	uint32_t class_id;             /* in diagnosis.classes */
	enum failure_class failure_class; /* FAILURE_CLASS_COUNT: unknown to us */
	char *pattern;
	uint64_t hash;
	char *message;                 /* the first one seen */
	char *error_type;              /* the first one seen; NULL when none */
	bool mixed_error_types;
	char *traceback;               /* the first non-empty one */
	struct dx_task_ref sample;     /* the first failure's task and attempt: */
	uint32_t sample_attempt;       /* its stderr is worth a look */
	uint64_t sample_offset;        /* "first": the smallest offset in the file, */
	uint64_t traceback_offset;     /* whichever thread read it */
	size_t count;                  /* failed attempts */
	unsigned max_attempt;
	uint32_t *by_worker;           /* failures per node id */
	size_t n_by_worker;
	struct dx_group_component *by_component;  /* per component id */
	size_t n_by_component;
	struct dx_task_ref *tasks;     /* one per failure; deduplicated by outcome */
	size_t n_tasks, cap_tasks;
	struct dx_exit_count exits[DX_EXIT_CODES];
	size_t n_exits;
	double elapsed_max;            /* from the failures' evidence; -1 unknown */
	int64_t time_limit;            /* likewise */
	/* made by diagnose_outcome.c: tasks_failed are those whose final
	 * failure is this group's; a task that got past it and then failed
	 * otherwise counts in tasks_failed_later, by the class of its final
	 * failure (classes.count + 1 slots: the last is a final attempt that
	 * failed without a failure record), or was cancelled */
	size_t tasks_failed, tasks_recovered, tasks_pending;
	size_t tasks_failed_later, tasks_cancelled_later;
	size_t *failed_later_by_class;
	size_t n_failed_later_by_class;
	unsigned last_attempt;         /* the latest attempt of any of its tasks */
	/* made by diagnose_shared.c */
	struct dx_shared *shared;
	size_t n_shared;
	bool scenarios_known;          /* scenarios.jsonl named the failing ones */
};

struct dx_groups {
	struct dx_group **items;
	size_t count, cap;
	uint32_t *slots;               /* index + 1; 0 is a free slot */
	size_t nslots;
};

/* A task's latest attempt, as tasks.jsonl last said. */
struct dx_task_state {
	uint32_t attempt;
	uint8_t state;                 /* enum task_state + 1; 0: never seen */
};

struct dx_component {
	struct dx_task_state *tasks;   /* by task id */
	size_t n_tasks;
	float *durations;              /* attempts that ended (succeeded, failed) */
	size_t n_durations, cap_durations;
	float *peaks;                  /* their peak memory in bytes, where known */
	size_t n_peaks, cap_peaks;
	int64_t memory_request, walltime_request;  /* the largest seen; 0 unknown */
	int64_t peak_succeeded;        /* the largest peak of a succeeded attempt */
	struct dx_requests requests;   /* attempts that ended, by memory request */
	int64_t first_request;         /* the smallest of first attempts; 0 unknown */
	int64_t configured_request;    /* plan.json's (the config's); -1 unknown */
};

struct dx_file_stats {
	bool present;
	size_t lines, skipped, torn;   /* read; not a JSON object; torn last line */
};

#define DX_PARAMS 32               /* parameters of a scenario looked at */
#define DX_PARAM_VALUES 4096       /* distinct values told apart per parameter */
#define DX_VALUE_OTHER UINT16_MAX  /* a value past DX_PARAM_VALUES */

struct dx_param {
	struct dx_names values;
	uint32_t *counts;              /* scenarios per value id */
	size_t n_counts;
	uint16_t *by_scenario;         /* value id + 1 per index; 0: absent;
					  DX_VALUE_OTHER: past the cap */
	size_t n_by_scenario;
	bool not_numeric;              /* a value is not a number */
	double *value_numbers;         /* per value id, while every value is a number */
	size_t n_value_numbers;
	double *numbers;               /* per index, once past the cap (and numeric) */
	size_t n_numbers;
	size_t known;                  /* scenarios that have it */
};

struct dx_scenarios {
	struct dx_names names;         /* parameter names: ids into params */
	struct dx_param params[DX_PARAMS];
	size_t count;                  /* scenarios read */
	struct dx_file_stats stats;
};

enum dx_orchestrator {
	DX_ORCH_FINISHED,              /* the run closed */
	DX_ORCH_ALIVE,                 /* its holder runs on this host */
	DX_ORCH_GONE,                  /* its holder no longer runs on this host */
	DX_ORCH_UNKNOWN,               /* held from another host, or nobody said */
};

enum dx_severity { DX_CRITICAL, DX_HIGH, DX_MEDIUM, DX_LOW };

struct dx_finding {
	enum dx_severity severity;
	const char *category;          /* "memory", "walltime", "node", ... */
	const struct dx_group *group;  /* NULL for a node finding */
	char *title;                   /* "RuntimeError (OOM)", "Node c12" */
	size_t count;                  /* failed attempts */
	json_t *evidence;              /* owned */
	struct strbuf evidence_text;   /* lines for people, '\n' between */
	char *suggestion;
};

/* One job's memory samples (diagnose_memory.c): an attempt, or a pack's
 * array task. Unknown numbers are 0, or -1 where said. */
struct dx_sampled {
	uint32_t job_id;
	size_t samples;
	double percent;                /* the highest sampled */
	int64_t peak_bytes, limit_bytes;
	char node[64];
	char first_90[RFC3339_BUFSZ];  /* the first sample at 90 %; "": none */
	char end_at[RFC3339_BUFSZ];    /* its batch step's end; "": none */
	bool oom;                      /* that end says the kernel killed it */
	double above_90_s;             /* first_90 to end_at; -1 unknown */
	int64_t suggested_bytes;       /* the peak x DIAGNOSE_HEADROOM on the ladder */
	/* from tasks.jsonl (state_known false: no row names the job) */
	char component[DX_NAME_MAX];
	int64_t task, attempt;
	enum task_state state;
	bool state_known, task_known;
	bool pack;                     /* rows of several scenarios name the job: left out */
};

struct dx_memory {
	struct dx_sampled **items;     /* every job with a sample or a batch end */
	size_t n, cap;
	size_t sampled;                /* of them, with a sample */
	struct u64_map by_job, by_array;  /* job id; array job id << 32 | array task id */
};

/* A run's diagnosis; also a thread's partial one (diagnose_parallel.c),
 * which fills only the tables. */
struct diagnosis {
	char *run_path;
	struct run_record record;
	enum dx_orchestrator orchestrator;
	struct run_lock_holder holder;
	struct dx_names classes, components, workers;
	struct dx_component *comps;    /* by component id */
	size_t n_comps;
	struct dx_groups groups;
	uint64_t *attempts_by_worker;  /* attempts that ended, per node id */
	size_t n_attempts_by_worker;
	size_t failures;               /* failed attempts (failures.jsonl) */
	struct dx_file_stats tasks_file, failures_file;
	struct dx_scenarios scen;      /* scenarios.jsonl */
	/* made by diagnose_plan.c: retry.oom as plan.json says, else the
	 * built-in policy (memory_cap 0: none known) */
	double memory_factor;
	int64_t memory_cap;
	/* made by diagnose_outcome.c */
	size_t tasks, by_state[TASK_STATE_COUNT], attempts;
	struct dx_finding *findings;
	size_t n_findings;
	struct dx_memory *memory;      /* diagnose_memory.c; NULL: not read */
};

/* diagnose_lines.c: calls fn on each complete line of path (without its
 * newline, with its offset in the file); a last line without one was torn
 * by a crash and is counted, not passed. A missing file reads as empty
 * (stats->present false). fn returns 0 to go on, -1 to stop with an error
 * (ENOMEM). */
typedef int (*dx_line_fn)(const char *line, size_t len, uint64_t offset, void *ctx);
int dx_read_lines(const char *path, dx_line_fn fn, void *ctx, struct dx_file_stats *stats,
		  struct error *err);
/* The same for the lines of fd that start in [start, end): the line that
 * runs over start belongs to the range before. Adds to stats. */
int dx_read_range(int fd, const char *path, uint64_t start, uint64_t end, dx_line_fn fn,
		  void *ctx, struct dx_file_stats *stats, struct error *err);

/* diagnose_group.c */
/* The group of (class, pattern); made when create (NULL when memory runs
 * out, or when not create and there is none). */
struct dx_group *dx_group_get(struct diagnosis *dx, uint32_t class_id, const char *pattern,
			      bool create);
/* Grows a per-id array of elem-sized items to hold index; 0, or -1. */
int dx_grow(void **array, size_t *count, size_t index, size_t elem);
/* Orders the groups by their first record in the file (the order people
 * met them in), whatever order the threads made them in. */
int dx_groups_sort(struct dx_groups *groups);
void dx_groups_free(struct dx_groups *groups);

/* diagnose_parallel.c: reads failures.jsonl and tasks.jsonl in chunks on
 * every CPU, each thread into partial diagnoses of its own, then merges
 * them (diagnose_merge.c) in an order that does not change the result. */
int dx_load_records(struct diagnosis *dx, struct error *err);
/* The line readers of the two files, into a partial diagnosis: the groups
 * of failures (diagnose_failures.c); the task states, the attempts per
 * node, and the peaks of failed attempts into groups of their own, which
 * have no failures and only add to the failures' groups when merged
 * (diagnose_tasks.c). */
int dx_failure_line(const char *line, size_t len, uint64_t offset, void *partial);
/* The fields of one failures.jsonl record, as spans of its line (-1:
 * absent); elapsed and time_limit only for timeouts. Also read by the
 * report for its table of failures. */
struct dx_failure_fields {
	struct jspan failure_class, message, component, error_type, worker, traceback;
	struct jspan retry_action, retry_reason;  /* details.retry's */
	int64_t task_id, attempt, exit_code, signal;
	double elapsed;
	int64_t time_limit;
};
/* Picks them out of one line; false when it is not a JSON object. */
bool dx_failure_fields(const char *line, size_t len, struct dx_failure_fields *f);
int dx_task_line(const char *line, size_t len, uint64_t offset, void *partial);
/* diagnose_merge.c: adds partial to dx (moving what it can: clear the
 * partial with dx_clear after). */
int dx_merge(struct diagnosis *dx, struct diagnosis *partial);
/* Whether a row of attempt/state moves a task on from what it was (a later
 * attempt; or the same attempt further along: submitted, requeued, running,
 * then a final state), so the result does not depend on reading order. */
bool dx_task_moves_on(const struct dx_task_state *was, uint32_t attempt, unsigned state);
/* diagnose_scenarios.c: scenarios.jsonl as a table (one thread reads it,
 * beside the others): per parameter, its values with their counts, the
 * value of each scenario, and its numbers while every value is one. */
int dx_scenario_line(const char *line, size_t len, uint64_t offset, void *scenarios);
/* The number of scenario index for a numeric parameter; false when the
 * scenario has none. */
bool dx_scenario_number(const struct dx_param *p, size_t index, double *number);
void dx_scenarios_free(struct dx_scenarios *s);
/* diagnose_shared.c: what the failing scenarios of the largest groups share. */
int dx_shared(struct diagnosis *dx);

/* diagnose_plan.c: each component's configured memory request and the OOM
 * retry policy, from plan.json (the first wave's plan, written from the
 * config); what it lacks stays unknown. Reads nothing else. */
void dx_read_plan(struct diagnosis *dx);
/* The request the config gave component c: plan.json's, else the smallest
 * request of its first attempts; 0 unknown. */
int64_t dx_configured_request(const struct diagnosis *dx, uint32_t c);

/* diagnose_memory.c: the memory samples in events/, with the tasks.jsonl
 * rows of the sampled jobs; 0, or -1 (out of memory). */
int dx_read_memory(struct diagnosis *dx, struct error *err);
void dx_memory_free(struct dx_memory *m);
/* Killed by the kernel after samples; succeeded after one at 80 % or more. */
bool dx_sampled_killed(const struct dx_sampled *s);
bool dx_sampled_at_risk(const struct dx_sampled *s);
/* The tasks of component whose samples reached 80 %, and 90 %; 0, or -1. */
int dx_memory_crossed(const struct diagnosis *dx, const char *component, size_t *above_80,
		      size_t *above_90);
/* diagnose_memory_out.c: diagnose --json's "memory" (NULL when out of
 * memory), and its lines for people. */
json_t *dx_memory_json(const struct diagnosis *dx);
void dx_memory_print(FILE *out, const struct diagnosis *dx);

/* diagnose_free.c: frees what dx holds (not dx itself) and zeroes it. */
void dx_clear(struct diagnosis *dx);

/* diagnose_outcome.c: the run's task counts and each group's outcome. */
int dx_outcomes(struct diagnosis *dx);

/* diagnose_findings.c: every finding, most severe first. */
int dx_findings(struct diagnosis *dx);
/* diagnose_suggest*.c: fills f's evidence, text and suggestion for its group. */
int dx_suggest(const struct diagnosis *dx, struct dx_finding *f);
int dx_suggest_memory(const struct diagnosis *dx, struct dx_finding *f);
int dx_suggest_walltime(const struct diagnosis *dx, struct dx_finding *f);
/* Appends one line of evidence for people. */
int dx_line(struct dx_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "1 then failed with input_error (see that finding)", "2 then failed with
 * oom, 1 with input_error (see those findings), 1 then cancelled": what
 * became of the tasks that got past the group's failure and failed
 * otherwise; "" when none did. */
void dx_later_text(const struct diagnosis *dx, const struct dx_group *g, char *buf, size_t len);
/* Adds the lines and fields every group finding has (tasks, nodes, shared
 * parameters). */
int dx_common_evidence(const struct diagnosis *dx, struct dx_finding *f);

const char *dx_severity_name(enum dx_severity severity);
/* The class as people say it: "OOM", "Timeout", "Dependency error"... */
const char *dx_class_label(enum failure_class c);
/* The category of a class: "memory", "walltime", "dependency"... */
const char *dx_class_category(enum failure_class c);
/* Whether a count a (of name_a) beats b (of name_b): more, or as many and
 * first by name, so no order depends on which thread met a name first. */
bool dx_more(uint64_t a, uint64_t b, const char *name_a, const char *name_b);
/* The name of the component the group failed in most. */
const char *dx_main_component(const struct diagnosis *dx, const struct dx_group *g,
			      uint32_t *id);
/* The node the group failed on most (and how often); NULL when none. */
const char *dx_main_worker(const struct diagnosis *dx, const struct dx_group *g,
			   size_t *count);

#endif
