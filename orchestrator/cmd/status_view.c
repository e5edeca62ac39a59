/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A run as `status` and `runs` show it (see status_view.h). */
#include "cmd/status_view.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rundir/run_lock.h"
#include "run/run_window.h"
#include "tracker/run_summary.h"
#include "sweeper/sweeper_chain.h"

/* Who holds (or last held) the run's lock; alive only when it can be told. */
static json_t *orchestrator_json(const struct run_session *s)
{
	struct run_lock_holder h;
	char host[256] = "";
	json_t *alive = json_null();

	if (run_lock_read_holder(s->run->path, &h) != 0)
		return json_null();
	gethostname(host, sizeof host - 1);
	if (strcmp(host, h.host) == 0 && h.pid > 0)
		alive = json_boolean(kill((pid_t)h.pid, 0) == 0 || errno == EPERM);
	return json_pack("{s:I, s:s, s:s, s:s, s:o}", "pid", (json_int_t)h.pid, "host", h.host,
			 "command", h.command, "since", h.since, "alive", alive);
}

/* A detached run's newest sweeper job (sweeper_chain.h), or null. */
static json_t *sweeper_json(const struct run_session *s)
{
	struct sweeper_state state;
	struct error err;
	json_t *out = json_null();

	if (sweeper_log_read(s->run->path, &state, &err) != 0)
		return out;
	if (state.n_job_ids)
		out = json_pack("{s:I, s:I}", "job_id", (json_int_t)state.job_ids[state.n_job_ids - 1],
				"sweepers", (json_int_t)state.n_job_ids);
	sweeper_state_free(&state);
	return out;
}

struct failure_group {
	enum failure_class failure_class;
	char prefix[128];
	const char *example;
	size_t count;
};

struct failure_groups {
	struct failure_group items[RUN_VIEW_MAX_FAILURE_GROUPS + 1];  /* the last: others */
	size_t n;
};

/* The message's text before its first ':' ("OOM: scenario 7 ..." -> "OOM"). */
static void message_prefix(const char *message, char *buf, size_t len)
{
	size_t n = message ? strcspn(message, ":") : 0;

	if (n >= len)
		n = len - 1;
	memcpy(buf, message ? message : "", n);
	buf[n] = '\0';
}

static void add_failure(const struct task_attempt *a, bool latest, void *ctx)
{
	struct failure_groups *g = ctx;
	char prefix[128];
	size_t i;

	(void)latest;
	if (a->state != TASK_FAILED)
		return;
	message_prefix(a->error_message, prefix, sizeof prefix);
	for (i = 0; i < g->n; i++)
		if (g->items[i].failure_class == a->failure_class &&
		    strcmp(g->items[i].prefix, prefix) == 0)
			break;
	if (i == g->n && g->n == RUN_VIEW_MAX_FAILURE_GROUPS) {
		i = RUN_VIEW_MAX_FAILURE_GROUPS;  /* too many kinds: "others" */
		snprintf(g->items[i].prefix, sizeof g->items[i].prefix, "(others)");
		g->items[i].failure_class = a->failure_class;
	} else if (i == g->n) {
		g->n++;
		g->items[i].failure_class = a->failure_class;
		memcpy(g->items[i].prefix, prefix, sizeof prefix);
		g->items[i].example = a->error_message;
	}
	g->items[i].count++;
}

static int by_count(const void *x, const void *y)
{
	const struct failure_group *a = x, *b = y;

	return a->count < b->count ? 1 : a->count > b->count ? -1 : 0;
}

static json_t *failures_json(const struct tracker *t)
{
	struct failure_groups *g = calloc(1, sizeof *g);
	json_t *list = json_array();
	size_t n;

	if (!g || !list) {
		free(g);
		json_decref(list);
		return NULL;
	}
	tracker_foreach(t, add_failure, g);
	n = g->n + (g->items[RUN_VIEW_MAX_FAILURE_GROUPS].count > 0);
	if (n > g->n)
		g->items[g->n] = g->items[RUN_VIEW_MAX_FAILURE_GROUPS];
	qsort(g->items, n, sizeof g->items[0], by_count);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s?}", "failure_class",
			failure_class_name(g->items[i].failure_class), "prefix", g->items[i].prefix,
			"count", (json_int_t)g->items[i].count, "example", g->items[i].example));
	free(g);
	return list;
}

/* run.json's identity and status. */
static json_t *record_fields(const char *run_id, const char *run_dir,
			     const struct run_record *r)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s, s:s?}", "run_id", run_id,
			 "run_dir", run_dir, "status", run_status_name(r->status),
			 "project_name", r->project_name, "target_name", r->target_name,
			 "provider_name", r->provider_name, "started_at", r->started_at,
			 "finished_at", r->finished_at[0] ? r->finished_at : NULL);
}

/* The first wave's scenarios the window holds back (run_window.h). */
static void add_window(json_t *view, const struct run_session *s)
{
	struct run_window_view w;

	run_window_view(s, &w);
	json_object_set_new(view, "not_submitted", json_integer((json_int_t)w.unsubmitted));
	json_object_set_new(view, "window", !w.unsubmitted ? json_null() :
			    json_pack("{s:I, s:b}", "max_queued", (json_int_t)w.max_queued,
				      "refused", w.refused));
}

json_t *status_view_json(const struct run_session *s)
{
	json_t *view = record_fields(s->run->id, s->run->path, &s->record), *summary = run_summary_json(s->tracker);
	json_t *failures = failures_json(s->tracker);

	if (!view || !summary || !failures) {
		json_decref(view);
		json_decref(summary);
		json_decref(failures);
		return NULL;
	}
	json_object_set_new(view, "orchestrator", orchestrator_json(s));
	json_object_set_new(view, "sweeper", sweeper_json(s));
	json_object_update(view, summary);
	json_decref(summary);
	json_object_set_new(view, "failures", failures);
	add_window(view, s);
	json_object_set_new(view, "memory_pressure", tracker_memory_pressure_json(s->tracker));
	return view;
}

json_t *status_view_closed_json(const char *run_id, const char *run_dir,
			     const struct run_record *record)
{
	json_t *view = record_fields(run_id, run_dir, record);

	if (view && record->summary)
		json_object_update(view, record->summary);
	return view;
}
