/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The report in Markdown (see report_markdown), for mail and terminals:
 * the same numbers as the page, tables instead of pictures, and the
 * findings as a numbered list. Strings from the run are escaped. */
#include <string.h>

#include "report/report_impl.h"

#define MD_SAMPLES 3               /* failures listed per class: mail stays short */

static void header(FILE *out, const struct report *r)
{
	const struct run_record *rec = &r->dx->record;
	char duration[32], orch[400];

	report_seconds(r->duration_s, duration, sizeof duration);
	report_orchestrator_text(r->dx, orch, sizeof orch);
	fputs("# Run ", out);
	report_md_text(out, rec->run_id);
	fprintf(out, "\n\n**Status: %s**", run_status_name(rec->status));
	if (*orch) {
		fputs(" (", out);
		report_md_text(out, orch);
		fputs(")", out);
	}
	fputs("\n\n| | |\n|---|---|\n", out);
	const struct { const char *label, *value; } items[] = {
		{ "Project", rec->project_name }, { "Target", rec->target_name },
		{ "Provider", rec->provider_name }, { "Started", rec->started_at },
		{ "Finished", rec->finished_at[0] ? rec->finished_at : "(not yet)" },
		{ rec->finished_at[0] ? "Duration" : "Running for", duration },
		{ "Config digest", rec->manifest_digest }, { "Directory", r->dx->run_path },
	};
	for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
		fprintf(out, "| %s | ", items[i].label);
		report_md_text(out, items[i].value ? items[i].value : "-");
		fputs(" |\n", out);
	}
}

static void counts(FILE *out, const struct report *r)
{
	const struct diagnosis *dx = r->dx;

	fprintf(out, "\n## Tasks\n\n**%zu tasks**, %zu attempts, %zu failed attempts, "
		"%zu findings\n\n", dx->tasks, dx->attempts, dx->failures, dx->n_findings);
	if (dx->tasks)
		fputs("| state (latest attempt) | tasks |\n|---|---:|\n", out);
	else
		fputs("No task has a row in tasks.jsonl yet.\n", out);
	for (int s = 0; s < TASK_STATE_COUNT; s++)
		if (dx->by_state[s])
			fprintf(out, "| %s | %zu |\n", task_state_name((enum task_state)s),
				dx->by_state[s]);
	if (!r->n_classes) {
		fputs("\nNo failures.\n", out);
		return;
	}
	fputs("\n| failure class | failed attempts |\n|---|---:|\n", out);
	for (size_t i = 0; i < r->n_classes; i++) {
		fputs("| ", out);
		report_md_text(out, r->classes[i].name);
		fprintf(out, " | %zu |\n", r->classes[i].count);
	}
}

static void resources(FILE *out, const struct report *r)
{
	if (!r->n_comps)
		return;
	fputs("\n## Resources per component\n\n| component | tasks | requested (config) | "
	      "escalated to | peak median | peak p95 | peak max | duration median | duration p95 "
	      "| duration max | walltime | sampled above 80 % | above 90 % |\n"
	      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", out);
	for (size_t c = 0; c < r->n_comps; c++) {
		const struct report_component *comp = &r->comps[c];
		const struct report_spread *p = &comp->peak, *d = &comp->duration;
		char v[7][32], escalated[512];

		report_bytes(comp->configured_request, v[0], sizeof v[0]);
		report_escalations_text(comp, escalated, sizeof escalated);
		report_bytes(p->count ? (int64_t)p->median : 0, v[1], sizeof v[1]);
		report_bytes(p->count ? (int64_t)p->p95 : 0, v[2], sizeof v[2]);
		report_bytes(p->count ? (int64_t)p->max : 0, v[3], sizeof v[3]);
		report_seconds(d->count ? d->median : -1, v[4], sizeof v[4]);
		report_seconds(d->count ? d->p95 : -1, v[5], sizeof v[5]);
		report_seconds(d->count ? d->max : -1, v[6], sizeof v[6]);
		fputs("| ", out);
		report_md_text(out, comp->name);
		fprintf(out, " | %zu | %s | %s | %s | %s | %s | %s | %s | %s | ", comp->tasks, v[0],
			escalated, v[1], v[2], v[3], v[4], v[5], v[6]);
		report_seconds(comp->walltime_request > 0 ? (double)comp->walltime_request : -1,
			       v[0], sizeof v[0]);
		fprintf(out, "%s | %zu | %zu |\n", v[0], comp->above_80, comp->above_90);
	}
}

static void findings(FILE *out, const struct report *r)
{
	const struct diagnosis *dx = r->dx;

	fputs("\n## Findings\n\n", out);
	if (!dx->n_findings)
		fprintf(out, "No failures in %zu tasks.\n", dx->tasks);
	for (size_t i = 0; i < dx->n_findings; i++) {
		const struct dx_finding *f = &dx->findings[i];
		const char *line = f->evidence_text.text;

		fprintf(out, "%zu. **\\[%s\\] ", i + 1, dx_severity_name(f->severity));
		report_md_text(out, f->title);
		fprintf(out, "** — %zu occurrence%s\n", f->count, f->count == 1 ? "" : "s");
		if (f->group) {
			fputs("   - Pattern: ", out);
			report_md_text(out, f->group->pattern[0] ? f->group->pattern : "(no message)");
			fputs("\n", out);
		}
		while (line && *line) {
			size_t n = strcspn(line, "\n");
			char buf[1100];

			snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf - 1 ? n : sizeof buf - 1),
				 line);
			fputs("   - ", out);
			report_md_text(out, buf);
			fputs("\n", out);
			line += n + (line[n] == '\n');
		}
		fputs("   - **Suggestion:** ", out);
		report_md_text(out, f->suggestion);
		fputs("\n", out);
	}
}

static void number(FILE *out, int64_t n)
{
	if (n >= 0)
		fprintf(out, " %lld |", (long long)n);
	else
		fputs(" - |", out);
}

static void failures(FILE *out, const struct report *r)
{
	if (!r->n_classes)
		return;
	fprintf(out, "\n## Failures (the first %d of each class)\n\n| class | index | component "
		"| attempt | node | exit | signal | message |\n|---|---:|---|---:|---|---:|---:|---|\n",
		MD_SAMPLES);
	for (size_t i = 0; i < r->n_classes && i < REPORT_CLASSES_LISTED; i++) {
		const struct report_class *c = &r->classes[i];

		size_t shown = c->n_samples < MD_SAMPLES ? c->n_samples : MD_SAMPLES;

		for (size_t k = 0; k < shown; k++) {
			const struct report_failure *f = &c->samples[k];

			fputs("| ", out);
			report_md_text(out, c->name);
			fputs(" |", out);
			number(out, f->task_id);
			fputs(" ", out);
			report_md_text(out, f->component ? f->component : "-");
			fputs(" |", out);
			number(out, f->attempt);
			fputs(" ", out);
			report_md_text(out, f->worker ? f->worker : "-");
			fputs(" |", out);
			number(out, f->exit_code);
			number(out, f->signal > 0 ? f->signal : -1);
			fputs(" ", out);
			report_md_text(out, f->message ? f->message : "");
			fputs(" |\n", out);
		}
		if (c->count > shown) {
			fputs("| ", out);
			report_md_text(out, c->name);
			fprintf(out, " | | | | | | | and %zu more |\n", c->count - shown);
		}
	}
}

int report_markdown(FILE *out, const struct report *r)
{
	header(out, r);
	counts(out, r);
	resources(out, r);
	findings(out, r);
	failures(out, r);
	fprintf(out, "\n_Written by scalable report at %s._\n", r->generated_at);
	return ferror(out) ? -1 : 0;
}
