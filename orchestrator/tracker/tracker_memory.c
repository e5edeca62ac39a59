/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory samples into the tracker, and the live view of the attempts close
 * to their limit (see tracker.h, "Memory pressure"). A sample read twice
 * (after a re-attach) changes nothing: highest values and earliest times.
 *
 * Tests: orchestrator/tracker/test/test_tracker_memory.c,
 * tests/integration/live.bats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker/tracker_impl.h"

/* Keeps the earlier of two RFC 3339 times in *kept ("" is none); the one
 * format sorts as text. */
static void keep_earliest(char *kept, size_t len, const char *ts)
{
	if (ts && *ts && (!*kept || strcmp(ts, kept) < 0))
		snprintf(kept, len, "%s", ts);
}

static void keep_latest(char *kept, size_t len, const char *ts)
{
	if (ts && *ts && strcmp(ts, kept) > 0)
		snprintf(kept, len, "%s", ts);
}

void tracker_note_sample(struct tracker *t, struct task_attempt *a,
			 const struct step_event_fields *f)
{
	struct attempt_memory *m = &a->memory;
	double percent = f->percent.value;
	int64_t peak = f->peak_bytes.set ? f->peak_bytes.value : f->current_bytes.value;

	if (!f->percent.set || percent < 0)
		return;
	m->n_samples++;
	if (peak > m->peak_bytes)
		m->peak_bytes = peak;
	if (f->current_bytes.value > m->peak_bytes)
		m->peak_bytes = f->current_bytes.value;
	if (m->n_samples == 1 || percent > m->percent) {
		m->percent = percent;
		m->current_bytes = f->current_bytes.value;
		m->limit_bytes = f->limit_bytes.value;
		snprintf(m->node, sizeof m->node, "%s", f->node ? f->node : "");
	}
	if (percent >= 80)
		keep_earliest(m->above_80_at, sizeof m->above_80_at, f->timestamp);
	if (percent >= 90 || (f->threshold && strcmp(f->threshold, "80") != 0)) {
		t->memory_changes += !m->above_90_at[0];
		keep_earliest(m->above_90_at, sizeof m->above_90_at, f->timestamp);
	}
	t->memory_changes += m->n_samples == 1;
	keep_latest(m->last_at, sizeof m->last_at, f->timestamp);
}

static double seconds_between(const char *from, const char *to)
{
	struct timespec a, b;
	double s;

	if (rfc3339_parse(from, &a) != 0 || rfc3339_parse(to, &b) != 0)
		return 0;
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	return s > 0 ? s : 0;
}

double tracker_above_90_s(const struct task_attempt *a)
{
	const struct attempt_memory *m = &a->memory;

	if (!m->above_90_at[0])
		return 0;
	return seconds_between(m->above_90_at, a->end_seen && a->ended_at[0] ? a->ended_at :
			       m->last_at);
}

struct pressure {
	const struct task_attempt *worst[TRACKER_PRESSURE_WORST];
	size_t n_worst, above_80, above_90;
};

static void count_pressure(const struct task_attempt *a, bool latest, void *ctx)
{
	struct pressure *p = ctx;
	size_t i;

	if (!latest || a->state != TASK_RUNNING || a->end_seen || !a->memory.n_samples ||
	    a->memory.percent < 80)
		return;
	p->above_80++;
	p->above_90 += a->memory.percent >= 90;
	/* insertion into the few worst, highest first */
	for (i = p->n_worst; i > 0 && p->worst[i - 1]->memory.percent < a->memory.percent; i--)
		if (i < TRACKER_PRESSURE_WORST)
			p->worst[i] = p->worst[i - 1];
	if (i < TRACKER_PRESSURE_WORST) {
		p->worst[i] = a;
		if (p->n_worst < TRACKER_PRESSURE_WORST)
			p->n_worst++;
	}
}

size_t tracker_memory_changes(const struct tracker *t)
{
	return t->memory_changes;
}

json_t *tracker_memory_pressure_json(const struct tracker *t)
{
	struct pressure p = { 0 };
	json_t *worst = json_array(), *out;

	if (!worst)
		return NULL;
	tracker_foreach(t, count_pressure, &p);
	for (size_t i = 0; i < p.n_worst; i++) {
		const struct task_attempt *a = p.worst[i];
		char task[256];

		snprintf(task, sizeof task, "%s-%zu", a->component, a->index);
		json_array_append_new(worst, json_pack("{s:s, s:s, s:I, s:I, s:f, s:s?, s:s?}",
			"task", task, "component", a->component, "scenario", (json_int_t)a->index,
			"attempt", (json_int_t)a->attempt, "percent", a->memory.percent,
			"node", a->memory.node[0] ? a->memory.node : NULL,
			"since", a->memory.above_80_at[0] ? a->memory.above_80_at : NULL));
	}
	out = json_pack("{s:I, s:I, s:o}", "above_80", (json_int_t)p.above_80, "above_90",
			(json_int_t)p.above_90, "worst", worst);
	return out;
}
