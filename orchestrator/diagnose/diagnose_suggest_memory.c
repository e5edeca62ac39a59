/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory finding of an OOM group (see dx_suggest_memory): each request
 * the failed attempts asked set against the peaks of those attempts, the
 * request the config gave, the tasks that gave up at retry.oom.memory_cap,
 * and the size to ask next: above every size tried, the cap's next step
 * (largest tried x memory_factor, as the retry would have asked) for tasks
 * at the cap, else the peak or request + 25% headroom on the ladder of
 * diagnose_sizes.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_sizes.h"
#include "units.h"

#define MIB ((uint64_t)1 << 20)

/* What the group's main component used, asked for, and needs. */
struct memory_view {
	const char *component;
	int64_t peak, request, succeeded_peak, configured, cap;
	uint32_t measured, at_cap;
	const struct dx_requests *requests;
	double factor;
	uint64_t suggested;            /* the size to ask next, above every one tried */
	bool raise_cap;                /* suggested is for retry.oom.memory_cap */
	bool by_peak;                  /* it is the peak + 25%, above largest x factor */
};

static json_t *bytes_or_null(int64_t bytes)
{
	return bytes > 0 ? json_integer(bytes) : json_null();
}

/* The retry's next step above the largest size tried, as retry_decision.c
 * makes it: max(largest x factor, peak x 1.25) in whole MiB. */
static uint64_t next_step(struct memory_view *m)
{
	uint64_t largest = (uint64_t)(m->request > m->cap ? m->request : m->cap);
	double grown = (double)largest * m->factor, by_peak = (double)m->peak * DIAGNOSE_HEADROOM;
	uint64_t next = (uint64_t)(grown > by_peak ? grown : by_peak);

	m->by_peak = by_peak > grown;
	next = (next + MIB - 1) / MIB * MIB;
	return next > largest ? next : diagnose_memory_step(largest + 1);
}

static void memory_view(const struct diagnosis *dx, const struct dx_group *g,
			struct memory_view *m)
{
	uint32_t cid;
	const struct dx_group_component *gc;
	int64_t base;

	memset(m, 0, sizeof *m);
	m->factor = dx->memory_factor > 0 ? dx->memory_factor : 2.0;
	if (!(m->component = dx_main_component(dx, g, &cid)))
		return;
	gc = &g->by_component[cid];
	m->peak = gc->peak_rss;
	m->measured = gc->measured;
	m->request = gc->request;
	m->requests = &gc->requests;
	m->at_cap = gc->at_memory_cap;
	m->cap = dx->memory_cap > 0 ? dx->memory_cap : gc->memory_cap;
	m->configured = dx_configured_request(dx, cid);
	if (cid < dx->n_comps) {
		if (!m->request)
			m->request = dx->comps[cid].memory_request;
		m->succeeded_peak = dx->comps[cid].peak_succeeded;
	}
	if (m->at_cap) {
		m->raise_cap = true;
		m->suggested = next_step(m);
		return;
	}
	base = m->peak > m->request ? m->peak : m->request;
	if (base > 0)
		m->suggested = diagnose_memory_step((uint64_t)((double)base * DIAGNOSE_HEADROOM));
}

/* "256M peaked at 255M (2 attempts), 384M at 380M (1)"; whether every
 * measured peak stayed below 90% of its own request. */
static bool by_request_text(const struct dx_requests *t, char *text, size_t len)
{
	bool below = t->count > 0;
	size_t n = 0;

	text[0] = '\0';
	for (uint8_t i = 0; i < t->count && n < len; i++) {
		const struct dx_request *r = &t->items[i];
		char req[32] = "no request", peak[32];

		if (r->bytes)
			diagnose_format_bytes((uint64_t)r->bytes, req, sizeof req);
		diagnose_format_bytes((uint64_t)r->peak, peak, sizeof peak);
		n += (size_t)snprintf(text + n, len - n, "%s%s %s%s", i ? ", " : "", req,
				      r->measured ? (i ? "at " : "peaked at ") : "not measured",
				      r->measured ? peak : "");
		if (n < len)
			n += (size_t)snprintf(text + n, len - n, i ? " (%u" : " (%u attempt%s",
					      r->attempts, r->attempts == 1 ? "" : "s");
		if (n < len)
			n += (size_t)snprintf(text + n, len - n, r->measured && r->measured <
					      r->attempts ? ", %u measured)" : ")", r->measured);
		if (r->measured && (!r->bytes || r->peak * 10 >= r->bytes * 9))
			below = false;
	}
	if (t->more && n < len)
		snprintf(text + n, len - n, ", and more");
	return below;
}

static int memory_lines(const struct dx_group *g, const struct memory_view *m,
			struct dx_finding *f)
{
	char peak[32], req[32], ok[32], by[768], conf[32], cap[32];
	bool below = m->requests && by_request_text(m->requests, by, sizeof by);
	int rc;

	diagnose_format_bytes((uint64_t)m->peak, peak, sizeof peak);
	diagnose_format_bytes((uint64_t)m->request, req, sizeof req);
	diagnose_format_bytes((uint64_t)m->succeeded_peak, ok, sizeof ok);
	diagnose_format_bytes((uint64_t)m->configured, conf, sizeof conf);
	units_format_size((uint64_t)m->cap, cap, sizeof cap);
	if (m->requests && m->requests->count > 1)
		rc = dx_line(f, "failed attempts by request: %s", by);
	else if (m->peak && m->request)
		rc = dx_line(f, "peak %s against a %s request (%u of %zu failed attempts measured)",
			     peak, req, m->measured, g->count);
	else if (m->peak)
		rc = dx_line(f, "peak %s; no memory request was recorded", peak);
	else if (m->request)
		rc = dx_line(f, "request %s; no peak was measured", req);
	else
		rc = dx_line(f, "neither a peak nor a memory request was recorded");
	if (rc == 0 && m->configured > 0 && m->configured < m->request)
		rc = dx_line(f, "components.%s.memory asks %s; the retries went up to %s",
			     m->component, conf, req);
	if (rc == 0 && m->at_cap)
		rc = dx_line(f, "%u task%s reached retry.oom.memory_cap (%s) and gave up", m->at_cap,
			     m->at_cap == 1 ? "" : "s", m->cap > 0 ? cap : "its size unrecorded");
	if (rc == 0 && below)
		rc = dx_line(f, "the peaks stayed below their requests: the program reported "
			     "running out of memory itself, or its peak fell between samples");
	if (rc == 0 && m->succeeded_peak)
		rc = dx_line(f, "succeeded attempts of %s peaked at %s", m->component, ok);
	return rc;
}

/* "raise retry.oom.memory_cap ... to 864M ...", or "increase model memory to 24G ...". */
static char *memory_suggestion(const struct dx_group *g, const struct memory_view *m)
{
	const char *comp = m->component ? m->component : "the component's";
	const char *lead = g->tasks_failed == 0 && !g->tasks_pending &&
		(g->tasks_recovered || g->tasks_failed_later) ?
		"the retries with more memory got every task past it; to spare those retries, " :
		"";
	char size[32], basis[64], tried[32], why[192], *text = NULL;
	int n;

	if (!m->suggested) {
		n = asprintf(&text, "%sset components.%s.memory in scalable.yaml above what these "
			     "scenarios need (nothing was measured), or chunk their inputs",
			     lead, comp);
		return n < 0 ? NULL : text;
	}
	units_format_size(m->suggested, size, sizeof size);
	if (m->raise_cap) {
		units_format_size((uint64_t)(m->request > m->cap ? m->request : m->cap), tried,
				  sizeof tried);
		diagnose_format_bytes((uint64_t)m->peak, basis, sizeof basis);
		if (m->by_peak)
			snprintf(why, sizeof why, "the peak %s + 25%%, above %s, the largest size "
				 "tried", basis, tried);
		else
			snprintf(why, sizeof why, "the next step after %s, the largest size tried, "
				 "with memory_factor %g", tried, m->factor);
		n = asprintf(&text, "raise retry.oom.memory_cap in scalable.yaml to %s (%s), or "
			     "chunk the inputs of these scenarios so that each needs less; a larger "
			     "components.%s.memory spares the retries below it", size, why, comp);
		return n < 0 ? NULL : text;
	}
	diagnose_format_bytes((uint64_t)(m->peak > m->request ? m->peak : m->request), basis,
			      sizeof basis);
	n = asprintf(&text, "%sincrease %s memory to %s (components.%s.memory in scalable.yaml: "
		     "the %s %s + 25%% headroom, rounded up), or chunk the inputs of these "
		     "scenarios so that each needs less", lead, comp, size, comp,
		     m->peak > m->request ? "peak" : "request", basis);
	return n < 0 ? NULL : text;
}

/* [{requested_bytes, attempts, measured, peak_bytes}], by size; the
 * largest peak over its own request. */
static json_t *by_request_json(const struct dx_requests *t, double *worst)
{
	json_t *list = json_array();

	*worst = 0;
	for (uint8_t i = 0; list && t && i < t->count; i++) {
		const struct dx_request *r = &t->items[i];

		if (r->bytes && r->peak && (double)r->peak / (double)r->bytes > *worst)
			*worst = (double)r->peak / (double)r->bytes;
		if (json_array_append_new(list, json_pack("{s:o, s:I, s:I, s:o}", "requested_bytes",
				bytes_or_null(r->bytes), "attempts", (json_int_t)r->attempts,
				"measured", (json_int_t)r->measured, "peak_bytes",
				bytes_or_null(r->peak))) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

static int memory_json(const struct memory_view *m, struct dx_finding *f)
{
	char size[32] = "";
	double worst;
	json_t *ev = f->evidence, *by = by_request_json(m->requests, &worst);

	if (m->suggested)
		units_format_size(m->suggested, size, sizeof size);
	if (!m->requests || !m->requests->count)  /* no table: the largest of each */
		worst = m->peak && m->request ? (double)m->peak / (double)m->request : 0;
	return json_object_set_new(ev, "component", m->component ? json_string(m->component) :
				   json_null()) ||
	       json_object_set_new(ev, "peak_bytes", bytes_or_null(m->peak)) ||
	       json_object_set_new(ev, "requested_bytes", bytes_or_null(m->request)) ||
	       json_object_set_new(ev, "peak_to_request", worst > 0 ? json_real(worst) :
				   json_null()) ||
	       json_object_set_new(ev, "measured_attempts", json_integer(m->measured)) ||
	       json_object_set_new(ev, "succeeded_peak_bytes", bytes_or_null(m->succeeded_peak)) ||
	       json_object_set_new(ev, "suggested_memory_bytes",
				   bytes_or_null((int64_t)m->suggested)) ||
	       json_object_set_new(ev, "suggested_memory", *size ? json_string(size) : json_null()) ||
	       json_object_set_new(ev, "by_request", by) ||
	       json_object_set_new(ev, "configured_request_bytes", bytes_or_null(m->configured)) ||
	       json_object_set_new(ev, "tasks_at_memory_cap", json_integer(m->at_cap)) ||
	       json_object_set_new(ev, "memory_cap_bytes", bytes_or_null(m->cap)) ||
	       json_object_set_new(ev, "memory_factor", json_real(m->factor)) ||
	       json_object_set_new(ev, "suggested_memory_cap_bytes", m->raise_cap ?
				   bytes_or_null((int64_t)m->suggested) : json_null()) ? -1 : 0;
}

int dx_suggest_memory(const struct diagnosis *dx, struct dx_finding *f)
{
	struct memory_view m;

	memory_view(dx, f->group, &m);
	if (memory_json(&m, f) != 0 || memory_lines(f->group, &m, f) != 0)
		return -1;
	return (f->suggestion = memory_suggestion(f->group, &m)) ? 0 : -1;
}
