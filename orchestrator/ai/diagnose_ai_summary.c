/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What diagnose --ai sends (see diagnose_ai_summary in diagnose.h): small,
 * and with every string redacted, since it leaves the machine. */
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "lib/http/redact.h"

#define TEXT_MAX 600u        /* characters of one evidence text or suggestion */
#define TAIL_LINE_MAX 240u   /* characters of one stderr line */

/* The counts of the summary, without paths. */
static json_t *counts(const json_t *full)
{
	static const char *const keys[] = {
		"run_id", "project", "status", "in_progress", "tasks", "tasks_by_state",
		"attempts", "failures", "failures_by_class", "findings_by_severity",
	};
	json_t *out = json_object(), *value;

	for (size_t i = 0; out && i < sizeof keys / sizeof keys[0]; i++)
		if ((value = json_object_get(full, keys[i])))
			json_object_set(out, keys[i], value);
	return out;
}

/* The last lines of a stderr tail, each shortened. */
static json_t *tail_lines(const char *traceback)
{
	const char *starts[DX_AI_TAIL_LINES];
	size_t n = 0;
	json_t *lines = json_array();

	if (!traceback || !lines)
		return lines;
	for (const char *p = traceback; *p;) {
		size_t len = strcspn(p, "\n");

		if (len > 0) {
			if (n == DX_AI_TAIL_LINES)
				memmove(starts, starts + 1, (--n) * sizeof *starts);
			starts[n++] = p;
		}
		p += len + (p[len] == '\n');
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(starts[i], "\n");

		json_array_append_new(lines, json_stringn(starts[i], len < TAIL_LINE_MAX
									? len : TAIL_LINE_MAX));
	}
	return lines;
}

/* A string of at most TEXT_MAX characters; null for NULL. */
static json_t *short_text(const char *text)
{
	if (!text)
		return json_null();
	return json_stringn(text, strlen(text) < TEXT_MAX ? strlen(text) : TEXT_MAX);
}

static json_t *finding(const struct diagnosis *dx, const struct dx_finding *f)
{
	const struct dx_group *g = f->group;

	return json_pack("{s:s, s:s, s:s?, s:s, s:I, s:o, s:o, s:o, s:o}",
			 "severity", dx_severity_name(f->severity), "category", f->category,
			 "failure_class", g ? dx->classes.names[g->class_id] : NULL,
			 "title", f->title, "count", (json_int_t)f->count,
			 "pattern", short_text(g ? g->pattern : NULL),
			 "evidence", short_text(f->evidence_text.text),
			 "suggestion", short_text(f->suggestion),
			 "stderr_tail", tail_lines(g ? g->traceback : NULL));
}

/* Every string in json through redact_secrets; -1 when memory runs out. */
static int redact_json(json_t *json)
{
	const char *key;
	json_t *value;
	size_t i;

	if (json_is_string(json)) {
		char *clean = redact_secrets(json_string_value(json));
		int rc = clean ? json_string_set(json, clean) : -1;

		free(clean);
		return rc;
	}
	if (json_is_array(json))
		json_array_foreach(json, i, value)
			if (redact_json(value) != 0)
				return -1;
	if (json_is_object(json))
		json_object_foreach(json, key, value)
			if (redact_json(value) != 0)
				return -1;
	return 0;
}

json_t *diagnose_ai_summary(const struct diagnosis *dx)
{
	json_t *full = diagnose_json(dx), *findings = json_array(), *out = NULL;
	size_t n = dx->n_findings < DX_AI_FINDINGS ? dx->n_findings : DX_AI_FINDINGS;

	for (size_t i = 0; full && findings && i < n; i++)
		if (json_array_append_new(findings, finding(dx, &dx->findings[i])) != 0)
			break;
	if (full && findings && json_array_size(findings) == n)
		out = json_pack("{s:o, s:O, s:I}", "summary",
				counts(json_object_get(full, "summary")), "findings", findings,
				"findings_not_shown", (json_int_t)(dx->n_findings - n));
	json_decref(full);
	json_decref(findings);
	if (out && redact_json(out) != 0) {
		json_decref(out);
		out = NULL;
	}
	/* our own id, which the base64 rule would take for a key */
	if (out && dx->record.run_id)
		json_object_set_new(json_object_get(out, "summary"), "run_id",
				    json_string(dx->record.run_id));
	return out;
}
