/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose's report for people (see diagnose_print in diagnose.h):
 *
 *   ⚠ 13 failures detected across 3 categories:
 *
 *   1. [critical] RuntimeError (OOM) — 8 occurrences
 *      Pattern: OOM: scenario <N> exceeded memory limit
 *      Evidence: ...
 *      Suggestion: ...
 *
 * Colours only when asked (a terminal without NO_COLOR); long lines wrap. */
#include <stdio.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"

#define WIDTH 92

struct printer {
	FILE *out;
	bool color;
};

static const char *paint(const struct printer *p, const char *code)
{
	return p->color ? code : "";
}

#define RESET(p) paint(p, "\033[0m")
#define BOLD(p) paint(p, "\033[1m")

static const char *severity_color(const struct printer *p, enum dx_severity s)
{
	static const char *const codes[] = { "\033[1;31m", "\033[31m", "\033[33m", "\033[2m" };

	return paint(p, codes[s]);
}

/* Prints text after label (at indent), wrapping at WIDTH with the
 * continuation lines under the text's first column. */
static void wrapped(const struct printer *p, int indent, const char *label, const char *text)
{
	size_t col = (size_t)indent + strlen(label), start = col;
	const char *w = text;

	fprintf(p->out, "%*s%s", indent, "", label);
	while (*w) {
		size_t n = strcspn(w, " ");

		if (col > start && col + 1 + n > WIDTH) {
			fprintf(p->out, "\n%*s", (int)start, "");
			col = start;
		} else if (col > start) {
			fputc(' ', p->out);
			col++;
		}
		fwrite(w, 1, n, p->out);
		col += n;
		w += n;
		w += strspn(w, " ");
	}
	fputc('\n', p->out);
}

/* Each evidence line under "Evidence:", aligned. */
static void evidence(const struct printer *p, const struct dx_finding *f)
{
	const char *line = f->evidence_text.text;
	const char *label = "Evidence: ";
	char buf[1100];

	while (line && *line) {
		size_t n = strcspn(line, "\n");

		snprintf(buf, sizeof buf, "%.*s", (int)n, line);
		wrapped(p, 3, label, buf);
		label = "          ";
		line += n + (line[n] == '\n');
	}
}

static void finding(const struct printer *p, size_t number, const struct dx_finding *f)
{
	fprintf(p->out, "\n%zu. %s[%s]%s %s%s%s — %zu occurrence%s\n", number,
		severity_color(p, f->severity), dx_severity_name(f->severity), RESET(p), BOLD(p),
		f->title, RESET(p), f->count, f->count == 1 ? "" : "s");
	if (f->group)
		wrapped(p, 3, "Pattern: ", f->group->pattern[0] ? f->group->pattern : "(no message)");
	evidence(p, f);
	wrapped(p, 3, "Suggestion: ", f->suggestion);
}

/* The run, its status, and its tasks by state. */
static void header(const struct printer *p, const struct diagnosis *dx)
{
	const char *status = run_status_name(dx->record.status);

	fprintf(p->out, "%sRun %s%s (%s): %s", BOLD(p), dx->record.run_id, RESET(p),
		dx->record.project_name, status);
	if (dx->orchestrator == DX_ORCH_ALIVE)
		fprintf(p->out, ", in progress (pid %ld follows it)", dx->holder.pid);
	else if (dx->orchestrator == DX_ORCH_GONE)
		fprintf(p->out, " but its orchestrator (pid %ld) is gone: `scalable watch` "
			"re-attaches", dx->holder.pid);
	else if (dx->orchestrator == DX_ORCH_UNKNOWN)
		fprintf(p->out, " (in progress, or its orchestrator died)");
	fprintf(p->out, "\n%zu task%s", dx->tasks, dx->tasks == 1 ? "" : "s");
	for (int s = 0, first = 1; s < TASK_STATE_COUNT; s++) {
		if (!dx->by_state[s])
			continue;
		fprintf(p->out, "%s%zu %s", first ? ": " : ", ", dx->by_state[s],
			task_state_name((enum task_state)s));
		first = 0;
	}
	fprintf(p->out, "; %zu attempt%s\n", dx->attempts, dx->attempts == 1 ? "" : "s");
}

static size_t categories(const struct diagnosis *dx)
{
	size_t n = 0;

	for (uint32_t c = 0; c < dx->classes.count; c++)
		for (size_t i = 0; i < dx->groups.count; i++)
			if (dx->groups.items[i]->class_id == c) {
				n++;
				break;
			}
	return n;
}

/* Lines that could not be read, so nobody takes the counts for complete. */
static void notes(const struct printer *p, const struct diagnosis *dx)
{
	const struct { const char *name; const struct dx_file_stats *s; } files[] = {
		{ "tasks.jsonl", &dx->tasks_file }, { "failures.jsonl", &dx->failures_file },
		{ "scenarios.jsonl", &dx->scen.stats },
	};

	for (size_t i = 0; i < 3; i++) {
		if (files[i].s->torn)
			fprintf(p->out, "\nnote: %s ends in a torn line (cut by a crash); skipped\n",
				files[i].name);
		if (files[i].s->skipped)
			fprintf(p->out, "\nnote: %zu line%s of %s %s not a record; skipped\n",
				files[i].s->skipped, files[i].s->skipped == 1 ? "" : "s",
				files[i].name, files[i].s->skipped == 1 ? "is" : "are");
	}
}

int diagnose_print(FILE *out, const struct diagnosis *dx, bool color)
{
	struct printer p = { out, color };
	size_t n = categories(dx);

	header(&p, dx);
	if (dx->failures == 0) {
		fprintf(out, "\n%s✓%s no failures in %zu task%s\n", paint(&p, "\033[32m"), RESET(&p),
			dx->tasks, dx->tasks == 1 ? "" : "s");
	} else {
		fprintf(out, "\n%s⚠%s %zu failure%s detected across %zu categor%s:\n",
			paint(&p, "\033[33m"), RESET(&p), dx->failures,
			dx->failures == 1 ? "" : "s", n, n == 1 ? "y" : "ies");
		for (size_t i = 0; i < dx->n_findings; i++)
			finding(&p, i + 1, &dx->findings[i]);
	}
	dx_memory_print(out, dx);
	notes(&p, dx);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
