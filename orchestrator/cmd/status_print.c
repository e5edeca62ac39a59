/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run views as text (see status_print.h). */
#include "cmd/status_print.h"

#include <stdbool.h>
#include <string.h>

#include "rundir/telemetry.h"

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "-";
}

static json_int_t num(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

/* "150 succeeded, 2 failed, 40 running" from a counts_by_state object. */
static void print_counts(FILE *out, const json_t *counts)
{
	bool first = true;

	for (int s = 0; s < TASK_STATE_COUNT; s++) {
		json_int_t n = num(counts, task_state_name((enum task_state)s));

		if (!n)
			continue;
		fprintf(out, "%s%lld %s", first ? "" : ", ", (long long)n,
			task_state_name((enum task_state)s));
		first = false;
	}
	fputs(first ? "none\n" : "\n", out);
}

static void print_orchestrator(FILE *out, const json_t *view)
{
	const json_t *o = json_object_get(view, "orchestrator");
	bool running = strcmp(str(view, "status"), "running") == 0;
	bool alive = json_is_true(json_object_get(o, "alive"));

	if (!running)
		return;
	if (alive || (json_is_object(o) && json_is_null(json_object_get(o, "alive"))))
		fprintf(out, "orchestrator  scalable %s, pid %lld on %s, since %s%s\n",
			str(o, "command"), (long long)num(o, "pid"), str(o, "host"),
			str(o, "since"), alive ? "" : " (on another host: may have ended)");
	else if (json_is_object(json_object_get(view, "sweeper")))
		fprintf(out, "orchestrator  detached: sweeper job %lld (of %lld) follows it\n",
			(long long)num(json_object_get(view, "sweeper"), "job_id"),
			(long long)num(json_object_get(view, "sweeper"), "sweepers"));
	else
		fprintf(out, "orchestrator  none attached: re-attach with `scalable watch %s`\n",
			str(view, "run_id"));
}

static void print_components(FILE *out, const json_t *components)
{
	const char *name;
	json_t *c;

	if (json_object_size(components) < 2)
		return;
	json_object_foreach((json_t *)components, name, c) {
		fprintf(out, "  %-20s %5lld tasks: ", name, (long long)num(c, "tasks"));
		print_counts(out, json_object_get(c, "counts_by_state"));
	}
}

static void print_failures(FILE *out, const json_t *failures)
{
	size_t i;
	json_t *f;

	if (json_array_size(failures) == 0)
		return;
	fprintf(out, "failures      (failed attempts by class and message prefix)\n");
	json_array_foreach(failures, i, f)
		fprintf(out, "  %-16s %6lld  %-24s e.g. %s\n", str(f, "failure_class"),
			(long long)num(f, "count"), str(f, "prefix"), str(f, "example"));
}

static void print_window(FILE *out, const json_t *view)
{
	const json_t *w = json_object_get(view, "window");
	json_int_t n = num(view, "not_submitted"), cap = num(w, "max_queued");
	bool refused = json_is_true(json_object_get(w, "refused"));

	if (!n)
		return;
	fprintf(out, "window        %lld task%s not yet submitted (", (long long)n,
		n == 1 ? "" : "s");
	if (cap)
		fprintf(out, "max_queued %lld%s", (long long)cap, refused ? "; " : "");
	if (refused || !cap)
		fputs("sbatch refused for a site limit; retrying as the queue drains", out);
	fputs(")\n", out);
}

/* The running tasks sampled at 80 % of their memory limit or more. */
static void print_memory(FILE *out, const json_t *pressure)
{
	size_t i;
	json_t *w;

	if (num(pressure, "above_80") == 0)
		return;
	fprintf(out, "memory        %lld running task%s above 80 %% of the limit (%lld above 90 %%)\n",
		(long long)num(pressure, "above_80"), num(pressure, "above_80") == 1 ? "" : "s",
		(long long)num(pressure, "above_90"));
	json_array_foreach(json_object_get(pressure, "worst"), i, w)
		fprintf(out, "  %-24s %5.1f %%  on %-16s since %s\n", str(w, "task"),
			json_number_value(json_object_get(w, "percent")), str(w, "node"),
			str(w, "since"));
}

void status_print(FILE *out, const json_t *view)
{
	fprintf(out, "run           %s\n", str(view, "run_id"));
	fprintf(out, "status        %s\n", str(view, "status"));
	fprintf(out, "target        %s (%s)\n", str(view, "target_name"), str(view, "provider_name"));
	fprintf(out, "started       %s\n", str(view, "started_at"));
	if (json_is_string(json_object_get(view, "finished_at")))
		fprintf(out, "finished      %s\n", str(view, "finished_at"));
	fprintf(out, "directory     %s\n", str(view, "run_dir"));
	print_orchestrator(out, view);
	fprintf(out, "tasks         %lld: ", (long long)num(view, "tasks"));
	print_counts(out, json_object_get(view, "counts_by_state"));
	print_components(out, json_object_get(view, "components"));
	print_window(out, view);
	print_memory(out, json_object_get(view, "memory_pressure"));
	print_failures(out, json_object_get(view, "failures"));
}

void runs_print(FILE *out, const json_t *views)
{
	size_t i;
	json_t *v;

	if (json_array_size(views) == 0) {
		fprintf(out, "no runs here (runs go to $SCALABLE_RUNS_DIR, else the defaults' "
			"runs_dir, else ./.scalable/runs)\n");
		return;
	}
	fprintf(out, "%-48s %-10s %6s %9s %6s %-24s %s\n", "RUN", "STATUS", "TASKS", "SUCCEEDED",
		"FAILED", "STARTED", "TARGET");
	json_array_foreach(views, i, v) {
		const json_t *counts = json_object_get(v, "counts_by_state");

		fprintf(out, "%-48s %-10s %6lld %9lld %6lld %-24s %s\n", str(v, "run_id"),
			str(v, "status"), (long long)num(v, "tasks"),
			(long long)(num(counts, "succeeded") + num(counts, "cached")),
			(long long)num(counts, "failed"), str(v, "started_at"),
			str(v, "target_name"));
	}
}
