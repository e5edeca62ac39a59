/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Findings about walltime for timeouts, with the walltime to ask for next
 * time (diagnose_sizes.h); memory lives in diagnose_suggest_memory.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_sizes.h"

/* What the group's main component took, was allowed, and needs. */
struct walltime_view {
	const char *component;
	int64_t limit;
	double elapsed, p95, longest;
	size_t ended;
	uint64_t suggested;
};

/* p95 and the longest of the component's attempts that ended. */
static int ended_durations(const struct dx_component *c, struct walltime_view *w)
{
	float *copy;

	if (!c || c->n_durations == 0)
		return 0;
	if (!(copy = malloc(c->n_durations * sizeof *copy)))
		return -1;
	memcpy(copy, c->durations, c->n_durations * sizeof *copy);
	w->ended = c->n_durations;
	w->longest = diagnose_percentile(copy, w->ended, 1.0);
	w->p95 = diagnose_percentile(copy, w->ended, 0.95);
	free(copy);
	return 0;
}

static int walltime_view(const struct diagnosis *dx, const struct dx_group *g,
			 struct walltime_view *w)
{
	const struct dx_component *c = NULL;
	double need;
	uint32_t cid;

	memset(w, 0, sizeof *w);
	w->limit = g->time_limit > 0 ? g->time_limit : 0;
	w->elapsed = g->elapsed_max > 0 ? g->elapsed_max : 0;
	if ((w->component = dx_main_component(dx, g, &cid))) {
		const struct dx_group_component *gc = &g->by_component[cid];

		c = cid < dx->n_comps ? &dx->comps[cid] : NULL;
		if (gc->walltime)
			w->limit = gc->walltime;
		else if (!w->limit && c)
			w->limit = c->walltime_request;
		if (gc->elapsed_max > w->elapsed)
			w->elapsed = gc->elapsed_max;
	}
	if (ended_durations(c, w) != 0)
		return -1;
	need = w->p95 > w->elapsed ? w->p95 : w->elapsed;
	need = need > (double)w->limit ? need : (double)w->limit;
	if (need > 0)
		w->suggested = diagnose_walltime_step(need * DIAGNOSE_HEADROOM);
	return 0;
}

/* HH:MM:SS with as many hours as it takes, as scalable.yaml reads it. */
static void clock_time(uint64_t s, char *buf, size_t len)
{
	snprintf(buf, len, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
		 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

static int walltime_lines(const struct walltime_view *w, struct dx_finding *f)
{
	char limit[32], elapsed[32], p95[32], longest[32];
	int rc = 0;

	diagnose_format_duration((double)w->limit, limit, sizeof limit);
	diagnose_format_duration(w->elapsed, elapsed, sizeof elapsed);
	diagnose_format_duration(w->p95, p95, sizeof p95);
	diagnose_format_duration(w->longest, longest, sizeof longest);
	if (w->elapsed && w->limit)
		rc = dx_line(f, "timed-out attempts ran up to %s against a %s limit", elapsed, limit);
	else if (w->limit)
		rc = dx_line(f, "the limit was %s", limit);
	else if (w->elapsed)
		rc = dx_line(f, "timed-out attempts ran up to %s (no limit recorded)", elapsed);
	if (rc == 0 && w->ended)
		rc = dx_line(f, "attempts of %s that ended: p95 %s, longest %s (%zu attempts)",
			     w->component, p95, longest, w->ended);
	return rc;
}

static char *walltime_suggestion(const struct walltime_view *w)
{
	const char *comp = w->component ? w->component : "the component's";
	double reached = w->elapsed > (double)w->limit ? w->elapsed : (double)w->limit;
	bool by_p95 = w->p95 > reached + 1;  /* a p95 at the limit is the timeouts' own */
	char wall[32], basis[32], limit[32], *text = NULL;
	int n;

	if (!w->suggested) {
		n = asprintf(&text, "set components.%s.walltime in scalable.yaml above what these "
			     "tasks need (nothing was measured), or checkpoint them", comp);
		return n < 0 ? NULL : text;
	}
	clock_time(w->suggested, wall, sizeof wall);
	diagnose_format_duration(by_p95 ? w->p95 : reached, basis, sizeof basis);
	diagnose_format_duration(reached, limit, sizeof limit);
	n = asprintf(&text, "set %s walltime to %s (components.%s.walltime in scalable.yaml: "
		     "the %s %s + 25%%, rounded up to 15 minutes). The timed-out tasks needed "
		     "more than %s, how much more is unknown: if they time out again, checkpoint "
		     "them or split their work", comp, wall, comp,
		     by_p95 ? "p95 of the attempts that ended," : "time the timed-out ones reached,",
		     basis, limit);
	return n < 0 ? NULL : text;
}

int dx_suggest_walltime(const struct diagnosis *dx, struct dx_finding *f)
{
	struct walltime_view w;
	char wall[32];

	if (walltime_view(dx, f->group, &w) != 0)
		return -1;
	clock_time(w.suggested, wall, sizeof wall);
	if (json_object_set_new(f->evidence, "component",
				w.component ? json_string(w.component) : json_null()) ||
	    json_object_set_new(f->evidence, "time_limit_s",
				w.limit ? json_integer(w.limit) : json_null()) ||
	    json_object_set_new(f->evidence, "elapsed_max_s",
				w.elapsed ? json_real(w.elapsed) : json_null()) ||
	    json_object_set_new(f->evidence, "p95_elapsed_s",
				w.ended ? json_real(w.p95) : json_null()) ||
	    json_object_set_new(f->evidence, "ended_attempts", json_integer((json_int_t)w.ended)) ||
	    json_object_set_new(f->evidence, "suggested_walltime_s",
				w.suggested ? json_integer((json_int_t)w.suggested) : json_null()) ||
	    json_object_set_new(f->evidence, "suggested_walltime",
				w.suggested ? json_string(wall) : json_null()))
		return -1;
	if (walltime_lines(&w, f) != 0)
		return -1;
	return (f->suggestion = walltime_suggestion(&w)) ? 0 : -1;
}
