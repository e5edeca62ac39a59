/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose --json (see diagnose_json in diagnose.h). */
#include <stdio.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"

static const char *orchestrator_name(enum dx_orchestrator o)
{
	static const char *const names[] = { "finished", "alive", "gone", "unknown" };

	return names[o];
}

/* {class: failed attempts}, over every group. */
static json_t *failures_by_class(const struct diagnosis *dx)
{
	json_t *by = json_object();

	for (size_t i = 0; by && i < dx->groups.count; i++) {
		const struct dx_group *g = dx->groups.items[i];
		const char *name = dx->classes.names[g->class_id];
		json_t *had = json_object_get(by, name);

		json_object_set_new(by, name, json_integer((json_int_t)g->count +
							   (had ? json_integer_value(had) : 0)));
	}
	return by;
}

static json_t *tasks_by_state(const struct diagnosis *dx)
{
	json_t *by = json_object();

	for (int s = 0; by && s < TASK_STATE_COUNT; s++)
		if (dx->by_state[s])
			json_object_set_new(by, task_state_name((enum task_state)s),
					    json_integer((json_int_t)dx->by_state[s]));
	return by;
}

static json_t *findings_by_severity(const struct diagnosis *dx)
{
	json_t *by = json_pack("{s:i, s:i, s:i, s:i}", "critical", 0, "high", 0, "medium", 0,
			       "low", 0);

	for (size_t i = 0; by && i < dx->n_findings; i++) {
		const char *name = dx_severity_name(dx->findings[i].severity);

		json_object_set_new(by, name,
				    json_integer(json_integer_value(json_object_get(by, name)) + 1));
	}
	return by;
}

static json_t *file_lines(const struct diagnosis *dx, bool torn)
{
	const struct dx_file_stats *files[] = { &dx->tasks_file, &dx->failures_file,
						&dx->scen.stats };

	return json_pack("{s:I, s:I, s:I}",
			 "tasks.jsonl", (json_int_t)(torn ? files[0]->torn : files[0]->skipped),
			 "failures.jsonl", (json_int_t)(torn ? files[1]->torn : files[1]->skipped),
			 "scenarios.jsonl", (json_int_t)(torn ? files[2]->torn : files[2]->skipped));
}

static json_t *summary(const struct diagnosis *dx)
{
	json_t *classes = failures_by_class(dx), *s;

	s = json_pack("{s:s?, s:s?, s:s, s:s, s:s, s:b, s:I, s:o, s:I, s:I, s:O, s:I, s:I, "
			 "s:I, s:o, s:o, s:o}",
			 "run_id", dx->record.run_id, "project", dx->record.project_name,
			 "path", dx->run_path, "status", run_status_name(dx->record.status),
			 "orchestrator", orchestrator_name(dx->orchestrator),
			 "in_progress", dx->record.status == RUN_STATUS_RUNNING,
			 "tasks", (json_int_t)dx->tasks, "tasks_by_state", tasks_by_state(dx),
			 "attempts", (json_int_t)dx->attempts, "failures", (json_int_t)dx->failures,
			 "failures_by_class", classes,
			 "categories", (json_int_t)json_object_size(classes),
			 "groups", (json_int_t)dx->groups.count,
			 "scenarios", (json_int_t)dx->scen.count,
			 "findings_by_severity", findings_by_severity(dx),
			 "skipped_lines", file_lines(dx, false), "torn_lines", file_lines(dx, true));
	json_decref(classes);
	return s;
}

static json_t *finding_json(const struct diagnosis *dx, const struct dx_finding *f)
{
	const struct dx_group *g = f->group;

	return json_pack("{s:s, s:s, s:s?, s:s, s:I, s:s?, s:O, s:s?, s:s}",
			 "severity", dx_severity_name(f->severity), "category", f->category,
			 "failure_class", g ? dx->classes.names[g->class_id] : NULL,
			 "title", f->title, "count", (json_int_t)f->count,
			 "pattern", g ? g->pattern : NULL, "evidence", f->evidence,
			 "evidence_text", f->evidence_text.text, "suggestion", f->suggestion);
}

json_t *diagnose_json(const struct diagnosis *dx)
{
	json_t *findings = json_array(), *s = summary(dx), *out;

	for (size_t i = 0; findings && i < dx->n_findings; i++) {
		if (json_array_append_new(findings, finding_json(dx, &dx->findings[i])) != 0) {
			json_decref(findings);
			findings = NULL;
		}
	}
	if (!findings || !s) {
		json_decref(findings);
		json_decref(s);
		return NULL;
	}
	out = json_pack("{s:o, s:o, s:o?}", "summary", s, "findings", findings, "memory",
			dx_memory_json(dx));
	return out;
}
