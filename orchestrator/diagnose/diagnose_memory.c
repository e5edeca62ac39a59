/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the memory samples say (docs/telemetry.md "Memory samples"): for an
 * attempt the kernel killed, how long it ran at 90 % of its limit or more
 * before the kill; and the scenarios that reached 80 % and succeeded all
 * the same, at risk in the next run, with the memory to ask for.
 *
 * Samples are in events/ (both layouts): each job's highest sample, its
 * first at 90 %, and its batch step's end (time, OOM kill) are kept by job
 * id; tasks.jsonl is then read again, only when some job was sampled, for
 * the component, scenario, attempt and state of those jobs (found by array
 * job and task ids, else by job id).
 *
 * Tests: orchestrator/diagnose/test/test_diagnose_memory.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_sizes.h"
#include "event_tree.h"
#include "lib/util/u64_map.h"
#include "rfc3339.h"
#include "step_event.h"
#include "step_event_parse.h"

static uint64_t array_key(int64_t array_job, int64_t array_task)
{
	return (uint64_t)array_job << 32 | (uint64_t)array_task;
}

static struct dx_sampled *job_entry(struct dx_memory *m, uint32_t job_id)
{
	struct dx_sampled *s = u64_map_get(&m->by_job, job_id);

	if (s)
		return s;
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct dx_sampled **grown = realloc(m->items, cap * sizeof *grown);

		if (!grown)
			return NULL;
		m->items = grown;
		m->cap = cap;
	}
	if (!(s = calloc(1, sizeof *s)) || u64_map_put(&m->by_job, job_id, s) != 0) {
		free(s);
		return NULL;
	}
	s->job_id = job_id;
	m->items[m->n++] = s;
	return s;
}

static void keep_earliest(char *kept, size_t len, const char *ts)
{
	if (ts && *ts && (!*kept || strcmp(ts, kept) < 0))
		snprintf(kept, len, "%s", ts);
}

static void note_sample(struct dx_sampled *s, const struct step_event_fields *f)
{
	int64_t peak = f->peak_bytes.set ? f->peak_bytes.value : -1;

	if (f->current_bytes.value > peak)
		peak = f->current_bytes.value;
	s->samples++;
	if (peak > s->peak_bytes)
		s->peak_bytes = peak;
	if (s->samples == 1 || f->percent.value > s->percent) {
		s->percent = f->percent.value;
		s->limit_bytes = f->limit_bytes.value;
		snprintf(s->node, sizeof s->node, "%s", f->node ? f->node : "");
	}
	if (f->percent.value >= 90 || (f->threshold && strcmp(f->threshold, "80") != 0))
		keep_earliest(s->first_90, sizeof s->first_90, f->timestamp);
}

static int on_event(const char *file_name, json_t *event, void *ctx)
{
	struct dx_memory *m = ctx;
	struct step_event_fields f;
	struct dx_sampled *s;
	bool sample, batch_end;

	(void)file_name;
	if (step_event_parse(event, &f) != 0)
		return 0;
	sample = !strcmp(f.event, "sample") && f.percent.set &&
		 !(f.step_id.set && f.step_id.value == STEP_ID_EXTERN);
	batch_end = !strcmp(f.event, "end") && f.step_id.set && f.step_id.value == STEP_ID_BATCH;
	if (!sample && !batch_end)
		return 0;
	if (!(s = job_entry(m, f.job_id)))
		return -1;
	if (f.array_job_id.value > 0 && f.array_job_id.value <= UINT32_MAX &&
	    f.array_task_id.value >= 0 && f.array_task_id.value < UINT32_MAX &&
	    u64_map_put(&m->by_array, array_key(f.array_job_id.value, f.array_task_id.value),
			s) != 0)
		return -1;
	if (sample) {
		note_sample(s, &f);
		return 0;
	}
	s->oom = s->oom || (f.oom_kill_count.value > 0) ||
		 (f.inferred_cause && !strcmp(f.inferred_cause, "oom"));
	keep_earliest(s->end_at, sizeof s->end_at, f.timestamp);
	return 0;
}

/* tasks.jsonl's rows of the sampled jobs: whose attempt each was, and how
 * it ended (a final state is kept over the rows before it). */
static int on_task_row(const char *line, size_t len, uint64_t offset, void *ctx)
{
	struct dx_memory *m = ctx;
	struct jspan text = { line, len }, key, value;
	struct jscan scan;
	int64_t job = -1, task = -1, attempt = -1, array_job = -1, array_task = -1;
	char component[DX_NAME_MAX] = "", state[32] = "";
	struct dx_sampled *s;
	enum task_state st;

	(void)offset;
	if (!jscan_begin(&scan, text))
		return 0;
	while (jscan_next(&scan, &key, &value)) {
		if (jscan_key_is(key, "job_id"))
			jscan_int(value, &job);
		else if (jscan_key_is(key, "array_job_id"))
			jscan_int(value, &array_job);
		else if (jscan_key_is(key, "array_task_id"))
			jscan_int(value, &array_task);
		else if (jscan_key_is(key, "task_id"))
			jscan_int(value, &task);
		else if (jscan_key_is(key, "attempt"))
			jscan_int(value, &attempt);
		else if (jscan_key_is(key, "component"))
			jscan_string(value, component, sizeof component, NULL);
		else if (jscan_key_is(key, "state"))
			jscan_string(value, state, sizeof state, NULL);
	}
	s = array_job > 0 && array_job <= UINT32_MAX && array_task >= 0 && array_task < UINT32_MAX
		    ? u64_map_get(&m->by_array, array_key(array_job, array_task)) : NULL;
	if (!s && job > 0 && job <= UINT32_MAX)
		s = u64_map_get(&m->by_job, (uint64_t)job);
	if (!s || !task_state_from_name(state, &st))
		return 0;
	if (s->task_known && (s->task != task || strcmp(s->component, component) != 0))
		s->pack = true;  /* a packed array task: its samples are no one scenario's */
	if (s->state_known && task_state_is_final(s->state))
		return 0;
	snprintf(s->component, sizeof s->component, "%s", component);
	s->task = task;
	s->attempt = attempt;
	s->state = st;
	s->state_known = s->task_known = true;
	return 0;
}

static double seconds_between(const char *from, const char *to)
{
	struct timespec a, b;
	double s;

	if (!*from || !*to || rfc3339_parse(from, &a) != 0 || rfc3339_parse(to, &b) != 0)
		return -1;
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	return s > 0 ? s : 0;
}

int dx_read_memory(struct diagnosis *dx, struct error *err)
{
	struct dx_memory *m = calloc(1, sizeof *m);
	struct event_tree *tree;
	char *path = NULL;
	long n;

	if (!m || asprintf(&path, "%s/events", dx->run_path) < 0 ||
	    !(tree = event_tree_new(path))) {
		free(m);
		free(path);
		errno = ENOMEM;
		error_system(err, "cannot read the memory samples of %s", dx->run_path);
		return -1;
	}
	dx->memory = m;
	n = event_tree_poll(tree, on_event, m);
	event_tree_free(tree);
	free(path);
	if (n < 0 && errno == ENOMEM) {
		error_system(err, "cannot read the memory samples of %s", dx->run_path);
		return -1;
	}
	for (size_t i = 0; i < m->n; i++)
		m->sampled += m->items[i]->samples > 0;
	if (m->sampled && asprintf(&path, "%s/%s", dx->run_path, TELEMETRY_TASKS_FILE) >= 0) {
		struct dx_file_stats stats = { 0 };
		struct error ignored;

		dx_read_lines(path, on_task_row, m, &stats, &ignored);
		free(path);
	}
	for (size_t i = 0; i < m->n; i++) {
		struct dx_sampled *s = m->items[i];

		s->above_90_s = s->first_90[0] ? seconds_between(s->first_90, s->end_at) : -1;
		s->suggested_bytes = s->peak_bytes > 0 ? (int64_t)diagnose_memory_step(
			(uint64_t)((double)s->peak_bytes * DIAGNOSE_HEADROOM)) : 0;
	}
	return 0;
}

void dx_memory_free(struct dx_memory *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->items[i]);
	free(m->items);
	u64_map_free(&m->by_job);
	u64_map_free(&m->by_array);
	free(m);
}

bool dx_sampled_killed(const struct dx_sampled *s)
{
	return s->samples && s->oom && !s->pack;
}

/* Succeeded after a sample at 80 % or more: its scenario may fail next time. */
bool dx_sampled_at_risk(const struct dx_sampled *s)
{
	return s->samples && s->percent >= 80 && !s->oom && s->state_known && !s->pack &&
	       s->state == TASK_SUCCEEDED;
}

int dx_memory_crossed(const struct diagnosis *dx, const char *component, size_t *above_80,
		      size_t *above_90)
{
	struct u64_map seen80 = { 0 }, seen90 = { 0 };
	const struct dx_memory *m = dx->memory;
	int rc = 0;

	*above_80 = *above_90 = 0;
	for (size_t i = 0; m && rc == 0 && i < m->n; i++) {
		const struct dx_sampled *s = m->items[i];
		uint64_t key = (uint64_t)s->task;  /* a task once, whatever its attempts */

		if (!s->samples || s->pack || !s->task_known || strcmp(s->component, component) != 0)
			continue;
		if (s->percent >= 80 && !u64_map_get(&seen80, key)) {
			rc = u64_map_put(&seen80, key, (void *)s);
			++*above_80;
		}
		if (rc == 0 && (s->percent >= 90 || s->first_90[0]) && !u64_map_get(&seen90, key)) {
			rc = u64_map_put(&seen90, key, (void *)s);
			++*above_90;
		}
	}
	u64_map_free(&seen80);
	u64_map_free(&seen90);
	return rc;
}
