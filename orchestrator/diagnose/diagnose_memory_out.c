/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory samples in diagnose's output (see diagnose_memory.c): the
 * attempts the kernel killed, with their time at 90 % or more, and the
 * scenarios at risk (each once: its highest sampled attempt that
 * succeeded), highest percent first, DX_MEMORY_LIST of each at most.
 *
 * Tests: orchestrator/diagnose/test/test_diagnose_memory.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_sizes.h"

#define DX_MEMORY_LIST 50

static int by_percent(const void *x, const void *y)
{
	const struct dx_sampled *a = *(const struct dx_sampled *const *)x;
	const struct dx_sampled *b = *(const struct dx_sampled *const *)y;
	int by_name = strcmp(a->component, b->component);

	if (a->percent != b->percent)
		return a->percent < b->percent ? 1 : -1;
	if (by_name)
		return by_name;
	return a->task < b->task ? -1 : a->task > b->task;
}

static bool same_scenario(const struct dx_sampled *a, const struct dx_sampled *b)
{
	return a->task == b->task && !strcmp(a->component, b->component);
}

/* The killed (at_risk false) or the at-risk scenarios, sorted; malloc'd
 * (NULL with *n 0 when there are none or memory ran out). */
static const struct dx_sampled **pick(const struct dx_memory *m, bool at_risk, size_t *n)
{
	const struct dx_sampled **out = m && m->n ? calloc(m->n, sizeof *out) : NULL;
	size_t kept = 0;

	*n = 0;
	for (size_t i = 0; out && i < m->n; i++)
		if (at_risk ? dx_sampled_at_risk(m->items[i]) : dx_sampled_killed(m->items[i]))
			out[kept++] = m->items[i];
	if (!out)
		return NULL;
	qsort(out, kept, sizeof *out, by_percent);
	if (at_risk) {  /* a scenario once: its highest attempt comes first */
		size_t unique = 0;

		for (size_t i = 0; i < kept; i++) {
			bool seen = false;

			for (size_t j = 0; j < unique && !seen; j++)
				seen = same_scenario(out[j], out[i]);
			if (!seen)
				out[unique++] = out[i];
		}
		kept = unique;
	}
	*n = kept;
	return out;
}

static json_t *sampled_json(const struct dx_sampled *s, bool at_risk)
{
	char size[32];
	json_t *o = json_pack("{s:s, s:I, s:I, s:f, s:I, s:I, s:s?}",
			      "component", s->component[0] ? s->component : "?",
			      "scenario", (json_int_t)s->task, "attempt", (json_int_t)s->attempt,
			      "percent", s->percent, "peak_bytes", (json_int_t)s->peak_bytes,
			      "limit_bytes", (json_int_t)s->limit_bytes,
			      "node", s->node[0] ? s->node : NULL);

	if (!o)
		return NULL;
	if (!at_risk) {
		json_object_set_new(o, "above_90_s", s->above_90_s >= 0 ? json_real(s->above_90_s)
									 : json_null());
		return o;
	}
	diagnose_format_bytes((uint64_t)s->suggested_bytes, size, sizeof size);
	json_object_set_new(o, "suggested_memory_bytes", json_integer(s->suggested_bytes));
	json_object_set_new(o, "suggested_memory", json_string(size));
	return o;
}

static json_t *list_json(const struct dx_memory *m, bool at_risk, size_t *count)
{
	size_t n;
	const struct dx_sampled **items = pick(m, at_risk, &n);
	json_t *list = json_array();

	for (size_t i = 0; list && i < n && i < DX_MEMORY_LIST; i++)
		json_array_append_new(list, sampled_json(items[i], at_risk));
	free(items);
	*count = n;
	return list;
}

json_t *dx_memory_json(const struct diagnosis *dx)
{
	size_t killed_n, at_risk_n;
	json_t *killed = list_json(dx->memory, false, &killed_n);
	json_t *at_risk = list_json(dx->memory, true, &at_risk_n);

	return json_pack("{s:I, s:I, s:o?, s:I, s:o?}",
			 "sampled_attempts", (json_int_t)(dx->memory ? dx->memory->sampled : 0),
			 "killed_count", (json_int_t)killed_n, "killed", killed,
			 "at_risk_count", (json_int_t)at_risk_n, "at_risk", at_risk);
}

void dx_memory_print(FILE *out, const struct diagnosis *dx)
{
	size_t killed_n, at_risk_n;
	const struct dx_sampled **killed, **at_risk;
	char limit[32], peak[32], ask[32], time[32];

	if (!dx->memory || !dx->memory->sampled)
		return;
	killed = pick(dx->memory, false, &killed_n);
	at_risk = pick(dx->memory, true, &at_risk_n);
	fprintf(out, "\nmemory samples: %zu attempt%s reached 80 %% of the limit; %zu killed, "
		"%zu scenario%s at risk\n", dx->memory->sampled, dx->memory->sampled == 1 ? "" : "s",
		killed_n, at_risk_n, at_risk_n == 1 ? "" : "s");
	for (size_t i = 0; i < killed_n && i < DX_MEMORY_LIST; i++) {
		const struct dx_sampled *s = killed[i];

		diagnose_format_bytes((uint64_t)(s->limit_bytes > 0 ? s->limit_bytes : 0), limit,
				      sizeof limit);
		if (s->above_90_s >= 0)
			diagnose_format_duration(s->above_90_s, time, sizeof time);
		fprintf(out, "  killed   %s-%lld (attempt %lld): %s at 90 %% or more before the "
			"kill (sampled %.1f %% of %s on %s)\n", s->component[0] ? s->component : "?",
			(long long)s->task, (long long)s->attempt,
			s->above_90_s >= 0 ? time : "never sampled", s->percent, limit,
			s->node[0] ? s->node : "?");
	}
	for (size_t i = 0; i < at_risk_n && i < DX_MEMORY_LIST; i++) {
		const struct dx_sampled *s = at_risk[i];

		diagnose_format_bytes((uint64_t)(s->limit_bytes > 0 ? s->limit_bytes : 0), limit,
				      sizeof limit);
		diagnose_format_bytes((uint64_t)(s->peak_bytes > 0 ? s->peak_bytes : 0), peak,
				      sizeof peak);
		diagnose_format_bytes((uint64_t)s->suggested_bytes, ask, sizeof ask);
		fprintf(out, "  at risk  %s-%lld: succeeded at %.1f %% of %s (peak %s); likely OOM "
			"next run: ask for %s\n", s->component, (long long)s->task, s->percent, limit,
			peak, ask);
	}
	free(killed);
	free(at_risk);
}
