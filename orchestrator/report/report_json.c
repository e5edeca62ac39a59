/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The report as JSON (see report_json), for scripts: diagnose's summary
 * and findings (diagnose_json), and what the report adds: the run's
 * header, per component its counts, memory and durations against the
 * requests and its timeline buckets, and the first failures per class. */
#include "report/report_impl.h"

/* A spread: bytes in whole numbers, seconds with their fraction. */
static json_t *number(double v, bool bytes)
{
	return bytes ? json_integer((json_int_t)v) : json_real(v);
}

static json_t *spread_json(const struct report_spread *s, bool bytes)
{
	if (!s->count)
		return json_pack("{s:i}", "measured", 0);
	return json_pack("{s:I, s:o, s:o, s:o, s:o}", "measured", (json_int_t)s->count, "min",
			 number(s->min, bytes), "median", number(s->median, bytes), "p95",
			 number(s->p95, bytes), "max", number(s->max, bytes));
}

static json_t *bucket_json(const struct report_bucket *b)
{
	json_t *j = json_pack("{s:I, s:I, s:I}", "first", (json_int_t)b->first, "last",
			      (json_int_t)b->last, "attempts", (json_int_t)b->attempts);

	for (int o = 0; j && o < REPORT_OUTCOMES; o++)
		if (b->outcomes[o])
			json_object_set_new(j, report_outcome_name((enum report_outcome)o),
					    json_integer((json_int_t)b->outcomes[o]));
	return j;
}

/* Added to "memory": the config's request and the escalations above it. */
static int memory_requests_json(json_t *memory, const struct report_component *c)
{
	json_t *list = json_array();

	for (uint8_t i = 0; list && c->requests && i < c->requests->count; i++) {
		const struct dx_request *r = &c->requests->items[i];

		if (report_is_escalation(c, r))
			json_array_append_new(list, json_pack("{s:I, s:I}", "request_bytes",
						(json_int_t)r->bytes, "attempts",
						(json_int_t)r->attempts));
	}
	if (json_object_set_new(memory, "tasks_above_80", json_integer((json_int_t)c->above_80)) ||
	    json_object_set_new(memory, "tasks_above_90", json_integer((json_int_t)c->above_90)))
		return -1;
	return json_object_set_new(memory, "configured_request_bytes",
				   c->configured_request > 0 ?
				   json_integer((json_int_t)c->configured_request) : json_null()) ||
	       json_object_set_new(memory, "escalations", list) ? -1 : 0;
}

static json_t *component_json(const struct report_component *c)
{
	json_t *states = json_object(), *buckets = json_array(), *json;

	for (int s = 0; states && s < TASK_STATE_COUNT; s++)
		if (c->by_state[s])
			json_object_set_new(states, task_state_name((enum task_state)s),
					    json_integer((json_int_t)c->by_state[s]));
	for (size_t b = 0; buckets && b < c->n_buckets; b++)
		json_array_append_new(buckets, bucket_json(&c->buckets[b]));
	json = json_pack("{s:s, s:I, s:I, s:o?, s:{s:I, s:o?}, s:{s:I, s:o?}, s:o?}",
			 "name", c->name, "tasks", (json_int_t)c->tasks,
			 "attempts", (json_int_t)c->attempts, "tasks_by_state", states,
			 "memory", "request_bytes", (json_int_t)c->memory_request,
			 "peak_bytes", spread_json(&c->peak, true),
			 "duration", "walltime_request_s", (json_int_t)c->walltime_request,
			 "seconds", spread_json(&c->duration, false), "timeline", buckets);
	if (json && memory_requests_json(json_object_get(json, "memory"), c) != 0) {
		json_decref(json);
		return NULL;
	}
	return json;
}

static json_t *maybe_int(int64_t n)
{
	return n >= 0 ? json_integer((json_int_t)n) : json_null();
}

static json_t *failure_json(const struct report_failure *f)
{
	return json_pack("{s:o, s:s?, s:o, s:s?, s:o, s:o, s:s?}", "index", maybe_int(f->task_id),
			 "component", f->component, "attempt", maybe_int(f->attempt), "node",
			 f->worker, "exit_code", maybe_int(f->exit_code), "signal",
			 maybe_int(f->signal), "message", f->message);
}

static json_t *class_json(const struct report_class *c)
{
	json_t *shown = json_array();

	for (size_t k = 0; shown && k < c->n_samples; k++)
		json_array_append_new(shown, failure_json(&c->samples[k]));
	return json_pack("{s:s, s:I, s:o?, s:I}", "failure_class", c->name, "count",
			 (json_int_t)c->count, "first", shown, "more",
			 (json_int_t)(c->count - c->n_samples));
}

static json_t *run_json(const struct report *r)
{
	const struct run_record *rec = &r->dx->record;

	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s, s:s, s:s?, s:o, s:s, s:s?, s:s}",
			 "run_id", rec->run_id, "project", rec->project_name, "target",
			 rec->target_name, "provider", rec->provider_name, "status",
			 run_status_name(rec->status), "started_at", rec->started_at,
			 "finished_at", rec->finished_at[0] ? rec->finished_at : NULL,
			 "duration_s", r->duration_s >= 0 ? json_real(r->duration_s) : json_null(),
			 "config_digest", rec->manifest_digest, "config_path",
			 rec->source_manifest_path, "generated_at", r->generated_at);
}

static json_t *build(const struct report *r)
{
	json_t *dx = diagnose_json(r->dx), *comps = json_array(), *classes = json_array(), *out;

	for (size_t c = 0; comps && c < r->n_comps; c++)
		json_array_append_new(comps, component_json(&r->comps[c]));
	for (size_t i = 0; classes && i < r->n_classes && i < REPORT_CLASSES_LISTED; i++)
		json_array_append_new(classes, class_json(&r->classes[i]));
	if (!dx || !comps || !classes) {
		json_decref(dx);
		json_decref(comps);
		json_decref(classes);
		return NULL;
	}
	out = json_pack("{s:i, s:o, s:O, s:o, s:o, s:O}", "report_version", 1, "run", run_json(r),
			"summary", json_object_get(dx, "summary"), "components", comps,
			"failures", classes, "findings", json_object_get(dx, "findings"));
	json_decref(dx);
	return out;
}

int report_json(FILE *out, const struct report *r)
{
	json_t *j = build(r);
	int rc = j ? json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;

	json_decref(j);
	return rc == 0 && fputc('\n', out) != EOF && !ferror(out) ? 0 : -1;
}
