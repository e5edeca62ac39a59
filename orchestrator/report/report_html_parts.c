/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The report page's timeline and resources (see report_html_timeline and
 * report_html_resources): per component one inline SVG strip of at most
 * REPORT_BUCKETS_MAX columns, each stacked by what became of its indices,
 * with a thin row below darker where more attempts were needed; and the
 * spreads of peak memory and duration against what was requested. */
#include <string.h>

#include "report/report_impl.h"

#define STRIP 100.0                /* height of the outcome bars, in SVG units */
#define MIN_SHARE 3.0              /* the least a present outcome gets: one
				      failure among 500 still shows */
/* Drawn top down: what needs a look first. */
static const enum report_outcome stack_order[] = {
	REPORT_FAILED, REPORT_SKIPPED, REPORT_CANCELLED, REPORT_ACTIVE, REPORT_RETRIED,
	REPORT_CACHED, REPORT_SUCCEEDED, REPORT_UNSEEN,
};

static size_t bucket_size(const struct report_bucket *b)
{
	return b->last - b->first + 1;
}

/* "indices 0–499: 480 succeeded, 20 failed; 520 attempts" */
static void bucket_title(FILE *out, const struct report_bucket *b)
{
	const char *sep = ": ";

	if (b->first == b->last)
		fprintf(out, "<title>index %zu", b->first);
	else
		fprintf(out, "<title>indices %zu–%zu", b->first, b->last);
	for (size_t k = 0; k < REPORT_OUTCOMES; k++) {
		enum report_outcome o = stack_order[k];

		if (b->outcomes[o]) {
			fprintf(out, "%s%zu %s", sep, b->outcomes[o], report_outcome_name(o));
			sep = ", ";
		}
	}
	fprintf(out, "; %llu attempt%s</title>", (unsigned long long)b->attempts,
		b->attempts == 1 ? "" : "s");
}

static void bucket_column(FILE *out, const struct report_bucket *b, size_t x)
{
	double height[REPORT_OUTCOMES] = { 0 }, total = 0, y = 0;
	size_t seen = bucket_size(b) - b->outcomes[REPORT_UNSEEN];

	for (size_t o = 0; o < REPORT_OUTCOMES; o++) {
		if (!b->outcomes[o])
			continue;
		height[o] = STRIP * (double)b->outcomes[o] / (double)bucket_size(b);
		if (height[o] < MIN_SHARE)
			height[o] = MIN_SHARE;
		total += height[o];
	}
	fputs("<g tabindex=\"0\">", out);
	bucket_title(out, b);
	for (size_t k = 0; k < REPORT_OUTCOMES; k++) {
		enum report_outcome o = stack_order[k];
		double h = height[o] * STRIP / total;

		if (!b->outcomes[o])
			continue;
		fprintf(out, "<rect x=\"%zu\" y=\"%.2f\" width=\"1\" height=\"%.2f\" class=\"o%d\"/>",
			x, y, h, (int)o);
		y += h;
	}
	if (seen && b->attempts > seen) {  /* retries: darker the more per index */
		double extra = (double)(b->attempts - seen) / (double)seen;

		fprintf(out, "<rect x=\"%zu\" y=\"%.0f\" width=\"1\" height=\"8\" class=\"ret\" "
			"fill-opacity=\"%.2f\"/>", x, STRIP + 2, extra > 1 ? 1.0 : 0.15 + 0.85 * extra);
	}
	fputs("</g>\n", out);
}

static void legend(FILE *out)
{
	fputs("<p class=\"legend\">", out);
	for (size_t k = 0; k < REPORT_OUTCOMES; k++)
		fprintf(out, "<span><i class=\"o%d\"></i>%s</span>", (int)stack_order[k],
			report_outcome_name(stack_order[k]));
	fputs("<span><i class=\"ret\" style=\"background:#1d2330\"></i>retries (darker: more "
	      "attempts per index)</span></p>\n", out);
}

int report_html_timeline(FILE *out, const struct report *r)
{
	fputs("<h2 id=\"timeline\">Timeline</h2>\n", out);
	if (!r->n_comps) {
		fputs("<p class=\"muted\">No task has a row in tasks.jsonl yet.</p>\n", out);
		return ferror(out) ? -1 : 0;
	}
	legend(out);
	for (size_t c = 0; c < r->n_comps; c++) {
		const struct report_component *comp = &r->comps[c];
		size_t n = comp->n_buckets ? comp->buckets[comp->n_buckets - 1].last + 1 : 0;
		size_t per = comp->n_buckets ? (n + comp->n_buckets - 1) / comp->n_buckets : 0;

		fputs("<figure><figcaption><b>", out);
		report_html_text(out, comp->name);
		fprintf(out, "</b>: %zu ind%s, %zu task%s with a row, %llu attempts", n,
			n == 1 ? "ex" : "ices", comp->tasks, comp->tasks == 1 ? "" : "s",
			(unsigned long long)comp->attempts);
		if (per > 1)
			fprintf(out, "; up to %zu indices per column", per);
		fprintf(out, "</figcaption>\n<svg class=\"tl\" shape-rendering=\"crispEdges\" viewBox=\"0 0 %zu %.0f\" "
			"preserveAspectRatio=\"none\" role=\"img\" aria-label=\"timeline of ",
			comp->n_buckets ? comp->n_buckets : 1, STRIP + 10);
		report_html_text(out, comp->name);
		fputs("\">\n", out);
		for (size_t b = 0; b < comp->n_buckets; b++)
			bucket_column(out, &comp->buckets[b], b);
		fputs("</svg></figure>\n", out);
	}
	fputs("<p id=\"timeline-detail\" class=\"muted\">Click a column for its numbers.</p>\n",
	      out);
	return ferror(out) ? -1 : 0;
}

static void cell_bytes(FILE *out, double bytes)
{
	char buf[32];

	report_bytes((int64_t)bytes, buf, sizeof buf);
	fprintf(out, "<td class=\"n\">%s</td>", buf);
}

static void cell_seconds(FILE *out, double seconds, bool known)
{
	char buf[32];

	report_seconds(known ? seconds : -1, buf, sizeof buf);
	fprintf(out, "<td class=\"n\">%s</td>", buf);
}

static void cell_share(FILE *out, double value, double of)
{
	if (of > 0 && value > 0)
		fprintf(out, "<td class=\"n\">%.0f%%</td>", 100.0 * value / of);
	else
		fputs("<td class=\"n\">-</td>", out);
}

/* Median, p95 and max as nested bars on a scale of max(request, max); the
 * request as a line. Only numbers go into the style. */
static void memory_bar(FILE *out, const struct report_spread *s, double request)
{
	double scale = request > s->max ? request : s->max;

	if (scale <= 0 || !s->count) {
		fputs("<td></td>", out);
		return;
	}
	fprintf(out, "<td><div class=\"bar\"><span class=\"max\" style=\"width:%.1f%%\"></span>"
		"<span class=\"p95\" style=\"width:%.1f%%\"></span>"
		"<span class=\"med\" style=\"width:%.1f%%\"></span>", 100 * s->max / scale,
		100 * s->p95 / scale, 100 * s->median / scale);
	if (request > 0)
		fprintf(out, "<span class=\"req\" style=\"width:%.1f%%\"></span>",
			100 * request / scale);
	fputs("</div></td>", out);
}

static void name_cell(FILE *out, const char *name)
{
	fputs("<tr><td>", out);
	report_html_text(out, name);
	fputs("</td>", out);
}

int report_html_resources(FILE *out, const struct report *r)
{
	fputs("<h2 id=\"memory\">Peak memory against the request</h2>\n<table id=\"memory-table\">"
	      "<tr><th>component</th><th class=\"n\">measured attempts</th>"
	      "<th class=\"n\">requested (config)</th><th class=\"n\">escalated to</th>"
	      "<th class=\"n\">median</th><th class=\"n\">p95</th>"
	      "<th class=\"n\">max</th><th class=\"n\">max / largest request</th>"
	      "<th>median, p95, max | largest request</th>"
	      "<th class=\"n\">tasks sampled above 80 %</th>"
	      "<th class=\"n\">above 90 %</th></tr>\n", out);
	for (size_t c = 0; c < r->n_comps; c++) {
		const struct report_component *comp = &r->comps[c];
		const struct report_spread *s = &comp->peak;
		char escalated[512];

		name_cell(out, comp->name);
		fprintf(out, "<td class=\"n\">%zu</td>", s->count);
		cell_bytes(out, (double)comp->configured_request);
		report_escalations_text(comp, escalated, sizeof escalated);
		fputs("<td class=\"n\">", out);
		report_html_text(out, escalated);
		fputs("</td>", out);
		cell_bytes(out, s->count ? s->median : 0);
		cell_bytes(out, s->count ? s->p95 : 0);
		cell_bytes(out, s->count ? s->max : 0);
		cell_share(out, s->max, (double)comp->memory_request);
		memory_bar(out, s, (double)comp->memory_request);
		fprintf(out, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
			comp->above_80, comp->above_90);
	}
	fputs("</table>\n<h2 id=\"durations\">Durations</h2>\n<table id=\"duration-table\">"
	      "<tr><th>component</th><th class=\"n\">attempts that ended</th>"
	      "<th class=\"n\">min</th><th class=\"n\">median</th><th class=\"n\">p95</th>"
	      "<th class=\"n\">max</th><th class=\"n\">walltime</th>"
	      "<th class=\"n\">max / walltime</th></tr>\n", out);
	for (size_t c = 0; c < r->n_comps; c++) {
		const struct report_component *comp = &r->comps[c];
		const struct report_spread *s = &comp->duration;

		name_cell(out, comp->name);
		fprintf(out, "<td class=\"n\">%zu</td>", s->count);
		cell_seconds(out, s->min, s->count);
		cell_seconds(out, s->median, s->count);
		cell_seconds(out, s->p95, s->count);
		cell_seconds(out, s->max, s->count);
		cell_seconds(out, (double)comp->walltime_request, comp->walltime_request > 0);
		cell_share(out, s->max, (double)comp->walltime_request);
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	return ferror(out) ? -1 : 0;
}
