/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The report as one HTML page (see report_html): inline CSS, a few lines
 * of inline JS (a click on a timeline column shows its numbers; errors are
 * recorded on <html data-js-error> so a headless browser can see them), a
 * Content-Security-Policy that forbids loading anything, and every string
 * from the run escaped. The timeline and the resources are in
 * report_html_parts.c. */
#include <string.h>

#include "report/report_impl.h"

/* The outcome colours are shared with report_html_parts.c's class names
 * o0..o7 (enum report_outcome). */
static const char style[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
	"color:#1d2330;background:#f6f7f9}"
	"main{max-width:1180px;margin:0 auto;padding:16px 24px 48px}"
	"h1{font-size:22px;margin:8px 0 4px;word-break:break-all}h2{font-size:17px;"
	"margin:28px 0 8px;border-bottom:1px solid #d5d9e0;padding-bottom:4px}"
	"h3{font-size:15px;margin:16px 0 6px}"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}"
	"dl.meta dt{color:#5b6475}dl.meta dd{margin:0;word-break:break-all}"
	".status{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;"
	"font-weight:600}.st-completed{background:#2e7d32}.st-failed{background:#c62828}"
	".st-running{background:#6a4fb3}.st-cancelled{background:#795548}"
	".tiles{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}"
	".tile{background:#fff;border:1px solid #d5d9e0;border-radius:6px;padding:8px 14px;"
	"min-width:110px}.tile b{display:block;font-size:22px}"
	"table{border-collapse:collapse;background:#fff;margin:6px 0}"
	"th,td{border:1px solid #d5d9e0;padding:3px 8px;text-align:left;vertical-align:top}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.msg{max-width:520px;word-break:break-word}"
	".cols{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}"
	"figure{margin:8px 0 16px;background:#fff;border:1px solid #d5d9e0;padding:8px}"
	"figcaption{color:#5b6475;margin-bottom:4px}svg.tl{display:block;width:100%;"
	"height:120px}svg.tl g:hover rect{opacity:.75}"
	".legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;"
	"width:11px;height:11px;margin-right:4px;vertical-align:-1px}"
	".o0{fill:#2e7d32;background:#2e7d32}.o1{fill:#f2a900;background:#f2a900}"
	".o2{fill:#5c9bd6;background:#5c9bd6}.o3{fill:#c62828;background:#c62828}"
	".o4{fill:#8d6e63;background:#8d6e63}.o5{fill:#7e57c2;background:#7e57c2}"
	".o6{fill:#dfe3ea;background:#dfe3ea}.o7{fill:#e8a0a0;background:#e8a0a0}"
	".ret{fill:#1d2330}"
	"#timeline-detail{min-height:1.4em;color:#1d2330}"
	".bar{position:relative;width:180px;height:12px;background:#eef0f4;"
	"border:1px solid #c3c8d2}.bar span{position:absolute;left:0;top:0;bottom:0}"
	".bar .max{background:#f0b9b9}.bar .p95{background:#e57373}"
	".bar .med{background:#8c2a2a}.bar .req{border-right:2px solid #1d2330;background:none}"
	".finding{background:#fff;border:1px solid #d5d9e0;border-left:5px solid #999;"
	"border-radius:4px;padding:6px 14px;margin:10px 0}"
	".sev-critical{border-left-color:#b71c1c}.sev-high{border-left-color:#e53935}"
	".sev-medium{border-left-color:#f2a900}.sev-low{border-left-color:#9e9e9e}"
	".sev{font-weight:700;text-transform:uppercase;font-size:12px;margin-right:6px}"
	".finding ul{margin:4px 0;padding-left:20px}.suggestion{font-weight:600}"
	"code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12.5px}"
	".muted{color:#5b6475}.ok{color:#2e7d32;font-weight:600}"
	"footer{color:#5b6475;margin-top:32px;font-size:12px}";

/* Records script errors where a headless browser's --dump-dom sees them;
 * runs first, before anything else can fail. */
static const char error_recorder[] =
	"window.addEventListener('error',function(e){var h=document.documentElement;"
	"h.setAttribute('data-js-error',(h.getAttribute('data-js-error')||'')+"
	"String(e.message)+';')});";

/* A click on a timeline column (or the keyboard's focus) shows its numbers
 * below it; then the page says it is ready. */
static const char script[] =
	"(function(){var d=document.getElementById('timeline-detail');"
	"document.querySelectorAll('svg.tl g').forEach(function(g){"
	"var show=function(){var t=g.querySelector('title');"
	"if(d&&t)d.textContent=t.textContent;};"
	"g.addEventListener('click',show);g.addEventListener('focus',show);});"
	"document.documentElement.setAttribute('data-ready','1');})();";

static void row_n(FILE *out, const char *label, size_t n)
{
	fputs("<tr><td>", out);
	report_html_text(out, label);
	fprintf(out, "</td><td class=\"n\">%zu</td></tr>\n", n);
}

static void header(FILE *out, const struct report *r)
{
	const struct run_record *rec = &r->dx->record;
	const char *status = run_status_name(rec->status);
	char duration[32], orch[400];

	report_seconds(r->duration_s, duration, sizeof duration);
	report_orchestrator_text(r->dx, orch, sizeof orch);
	fputs("<header><h1>Run <span id=\"run-id\">", out);
	report_html_text(out, rec->run_id);
	fprintf(out, "</span></h1>\n<p><span class=\"status st-%s\" id=\"run-status\">%s</span>",
		status, status);
	if (*orch) {
		fputs(" <span class=\"muted\">", out);
		report_html_text(out, orch);
		fputs("</span>", out);
	}
	fputs("</p>\n<dl class=\"meta\">\n", out);
	const struct { const char *label, *value; } items[] = {
		{ "Project", rec->project_name }, { "Target", rec->target_name },
		{ "Provider", rec->provider_name }, { "Started", rec->started_at },
		{ "Finished", rec->finished_at[0] ? rec->finished_at : "(not yet)" },
		{ rec->finished_at[0] ? "Duration" : "Running for", duration },
		{ "Config digest", rec->manifest_digest }, { "Config", rec->source_manifest_path },
		{ "Directory", r->dx->run_path },
	};
	for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
		fprintf(out, "<dt>%s</dt><dd%s>", items[i].label,
			!strcmp(items[i].label, "Config digest") ? " class=\"mono\"" : "");
		report_html_text(out, items[i].value ? items[i].value : "-");
		fputs("</dd>\n", out);
	}
	fputs("</dl></header>\n", out);
}

static void tiles(FILE *out, const struct report *r)
{
	const struct diagnosis *dx = r->dx;

	fprintf(out, "<div class=\"tiles\">"
		"<div class=\"tile\"><b id=\"n-tasks\">%zu</b>tasks</div>"
		"<div class=\"tile\"><b id=\"n-succeeded\">%zu</b>succeeded</div>"
		"<div class=\"tile\"><b id=\"n-failed\">%zu</b>failed</div>"
		"<div class=\"tile\"><b id=\"n-attempts\">%zu</b>attempts</div>"
		"<div class=\"tile\"><b id=\"n-failures\">%zu</b>failed attempts</div>"
		"<div class=\"tile\"><b id=\"n-findings\">%zu</b>findings</div></div>\n",
		dx->tasks, dx->by_state[TASK_SUCCEEDED] + dx->by_state[TASK_CACHED],
		dx->by_state[TASK_FAILED], dx->attempts, dx->failures, dx->n_findings);
}

static void counts(FILE *out, const struct report *r)
{
	fputs("<h2>Counts</h2>\n<div class=\"cols\"><table id=\"by-state\"><tr><th>task state "
	      "(latest attempt)</th><th class=\"n\">tasks</th></tr>\n", out);
	for (int s = 0; s < TASK_STATE_COUNT; s++)
		if (r->dx->by_state[s])
			row_n(out, task_state_name((enum task_state)s), r->dx->by_state[s]);
	fputs("</table>\n<table id=\"by-class\"><tr><th>failure class</th>"
	      "<th class=\"n\">failed attempts</th></tr>\n", out);
	for (size_t i = 0; i < r->n_classes; i++)
		row_n(out, r->classes[i].name, r->classes[i].count);
	if (!r->n_classes)
		fputs("<tr><td colspan=\"2\" class=\"ok\">no failures</td></tr>\n", out);
	fputs("</table></div>\n", out);
}

/* The evidence lines, one item each. */
static void evidence(FILE *out, const char *text)
{
	fputs("<ul>", out);
	while (text && *text) {
		size_t n = strcspn(text, "\n");
		char line[1100];

		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1),
			 text);
		fputs("<li>", out);
		report_html_text(out, line);
		fputs("</li>", out);
		text += n + (text[n] == '\n');
	}
	fputs("</ul>\n", out);
}

static void findings(FILE *out, const struct report *r)
{
	const struct diagnosis *dx = r->dx;

	fputs("<h2 id=\"findings\">Findings</h2>\n", out);
	if (!dx->n_findings)
		fprintf(out, "<p class=\"ok\">No failures in %zu task%s.</p>\n", dx->tasks,
			dx->tasks == 1 ? "" : "s");
	for (size_t i = 0; i < dx->n_findings; i++) {
		const struct dx_finding *f = &dx->findings[i];
		const char *sev = dx_severity_name(f->severity);

		fprintf(out, "<article class=\"finding sev-%s\"><h3><span class=\"sev\">%s</span>",
			sev, sev);
		report_html_text(out, f->title);
		fprintf(out, " — %zu occurrence%s</h3>\n", f->count, f->count == 1 ? "" : "s");
		if (f->group) {
			fputs("<p>Pattern: <code>", out);
			report_html_text(out, f->group->pattern[0] ? f->group->pattern : "(no message)");
			fputs("</code></p>\n", out);
		}
		evidence(out, f->evidence_text.text);
		fputs("<p class=\"suggestion\">Suggestion: ", out);
		report_html_text(out, f->suggestion);
		fputs("</p></article>\n", out);
	}
}

static void number_cell(FILE *out, int64_t n)
{
	if (n >= 0)
		fprintf(out, "<td class=\"n\">%lld</td>", (long long)n);
	else
		fputs("<td class=\"n\">-</td>", out);
}

static void failure_row(FILE *out, const struct report_failure *f)
{
	fputs("<tr>", out);
	number_cell(out, f->task_id);
	fputs("<td>", out);
	report_html_text(out, f->component ? f->component : "-");
	fputs("</td>", out);
	number_cell(out, f->attempt);
	fputs("<td>", out);
	report_html_text(out, f->worker ? f->worker : "-");
	fputs("</td>", out);
	number_cell(out, f->exit_code);
	number_cell(out, f->signal > 0 ? f->signal : -1);
	fputs("<td class=\"msg\">", out);
	report_html_text(out, f->message ? f->message : "");
	fputs("</td></tr>\n", out);
}

static void failures(FILE *out, const struct report *r)
{
	fputs("<h2 id=\"failures\">Failures</h2>\n", out);
	if (!r->n_classes)
		fputs("<p class=\"ok\">No failed attempts.</p>\n", out);
	for (size_t i = 0; i < r->n_classes && i < REPORT_CLASSES_LISTED; i++) {
		const struct report_class *c = &r->classes[i];

		fputs("<h3>", out);
		report_html_text(out, c->name);
		fprintf(out, " — %zu failed attempt%s</h3>\n<table class=\"failures\"><tr>"
			"<th class=\"n\">index</th><th>component</th><th class=\"n\">attempt</th>"
			"<th>node</th><th class=\"n\">exit</th><th class=\"n\">signal</th>"
			"<th>message</th></tr>\n", c->count, c->count == 1 ? "" : "s");
		for (size_t k = 0; k < c->n_samples; k++)
			failure_row(out, &c->samples[k]);
		if (c->count > c->n_samples)
			fprintf(out, "<tr><td colspan=\"7\" class=\"muted\">and %zu more "
				"(failures.jsonl has them all)</td></tr>\n",
				c->count - c->n_samples);
		fputs("</table>\n", out);
	}
	if (r->n_classes > REPORT_CLASSES_LISTED)
		fprintf(out, "<p class=\"muted\">and %zu more classes (see Counts)</p>\n",
			r->n_classes - REPORT_CLASSES_LISTED);
}

/* Lines that could not be read, so nobody takes the counts for complete. */
static void notes(FILE *out, const struct report *r)
{
	const struct diagnosis *dx = r->dx;
	const struct { const char *name; const struct dx_file_stats *s; } files[] = {
		{ "tasks.jsonl", &dx->tasks_file }, { "failures.jsonl", &dx->failures_file },
		{ "scenarios.jsonl", &dx->scen.stats },
	};

	for (size_t i = 0; i < 3; i++) {
		if (files[i].s->torn)
			fprintf(out, "<p class=\"muted\">Note: %s ends in a torn line (cut by a "
				"crash); skipped.</p>\n", files[i].name);
		if (files[i].s->skipped)
			fprintf(out, "<p class=\"muted\">Note: %zu line(s) of %s are not records; "
				"skipped.</p>\n", files[i].s->skipped, files[i].name);
	}
}

int report_html(FILE *out, const struct report *r)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>scalable report: ", out);
	report_html_text(out, r->dx->record.run_id);
	fprintf(out, "</title>\n<script>%s</script>\n<style>%s</style></head>\n<body><main>\n",
		error_recorder, style);
	header(out, r);
	tiles(out, r);
	counts(out, r);
	report_html_timeline(out, r);
	report_html_resources(out, r);
	findings(out, r);
	failures(out, r);
	notes(out, r);
	fprintf(out, "<footer>Written by scalable report at %s from the run directory alone.",
		r->generated_at);
	fprintf(out, "</footer>\n</main>\n<script>%s</script>\n</body></html>\n", script);
	return ferror(out) ? -1 : 0;
}
