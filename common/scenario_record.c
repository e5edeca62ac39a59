/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scenario records of packed array tasks (see scenario_record.h). */
#include "scenario_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rfc3339.h"

int scenario_record_path(char *buf, size_t len, const char *run_dir, const char *bucket,
			 const char *array_job, const char *array_task, const char *restart)
{
	int n = snprintf(buf, len, "%s/events/%s%spack.%s_%s.%s.jsonl", run_dir,
			 bucket ? bucket : "", bucket ? "/" : "", array_job, array_task, restart);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static json_t *int_or_null(int64_t value)
{
	return value < 0 ? json_null() : json_integer(value);
}

static json_t *text_or_null(const char *text)
{
	return text ? json_string(text) : json_null();
}

/* The fields every line of a pack's file has. */
static json_t *common_fields(const struct scenario_pack_id *id, const char *type,
			     const char *event, const char *timestamp)
{
	char now[RFC3339_BUFSZ];
	json_t *o = json_object();
	int rc = o ? 0 : -1;

	rc = rc || json_object_set_new(o, "event_type", json_string(type));
	rc = rc || json_object_set_new(o, "schema_version",
				       json_integer(SCENARIO_RECORD_SCHEMA_VERSION));
	rc = rc || json_object_set_new(o, "event", json_string(event));
	rc = rc || json_object_set_new(o, "timestamp",
				       json_string(timestamp ? timestamp
							     : rfc3339_now(now, sizeof now)));
	rc = rc || json_object_set_new(o, "run_id", text_or_null(id->run_id));
	rc = rc || json_object_set_new(o, "component", text_or_null(id->component));
	rc = rc || json_object_set_new(o, "job_id", int_or_null(id->job_id));
	rc = rc || json_object_set_new(o, "array_job_id", int_or_null(id->array_job_id));
	rc = rc || json_object_set_new(o, "array_task_id", int_or_null(id->array_task_id));
	rc = rc || json_object_set_new(o, "restart_count", int_or_null(id->restart_count));
	rc = rc || json_object_set_new(o, "node", text_or_null(id->node));
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static char *finish_line(json_t *o, size_t *len)
{
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char *line = NULL;

	json_decref(o);
	if (text && (line = malloc(strlen(text) + 2)) != NULL) {
		*len = strlen(text) + 1;
		memcpy(line, text, *len - 1);
		line[*len - 1] = '\n';
		line[*len] = '\0';
	}
	free(text);
	return line;
}

char *scenario_record_line(const struct scenario_pack_id *id, const struct scenario_record *r,
			   size_t *len)
{
	json_t *o = common_fields(id, SCENARIO_RECORD_TYPE,
				  r->end ? SCENARIO_RECORD_END : SCENARIO_RECORD_START,
				  r->timestamp);
	int rc = o ? 0 : -1;

	rc = rc || json_object_set_new(o, "task_id", int_or_null(r->task_id));
	rc = rc || json_object_set_new(o, "attempt", int_or_null(r->attempt));
	rc = rc || json_object_set_new(o, "pid", int_or_null(r->pid));
	if (r->end) {
		rc = rc || json_object_set_new(o, "exit_code", json_integer(r->exit_code));
		rc = rc || json_object_set_new(o, "signal", json_integer(r->signal));
		rc = rc || json_object_set_new(o, "elapsed_s", r->elapsed_s < 0 ? json_null()
							       : json_real(r->elapsed_s));
		rc = rc || json_object_set_new(o, "max_rss_bytes", int_or_null(r->max_rss_bytes));
		rc = rc || json_object_set_new(o, "oom_kill_count", int_or_null(r->oom_kill_count));
	}
	if (rc && o) {
		json_decref(o);
		o = NULL;
	}
	return finish_line(o, len);
}

char *scenario_record_pack_end_line(const struct scenario_pack_id *id, size_t scenarios,
				    size_t ran, int exit_code, size_t *len)
{
	json_t *o = common_fields(id, SCENARIO_RECORD_PACK_TYPE, "end", NULL);

	if (o && (json_object_set_new(o, "scenarios", json_integer((json_int_t)scenarios)) ||
		  json_object_set_new(o, "ran", json_integer((json_int_t)ran)) ||
		  json_object_set_new(o, "exit_code", json_integer(exit_code)))) {
		json_decref(o);
		o = NULL;
	}
	return finish_line(o, len);
}

static int64_t get_int(json_t *event, const char *key)
{
	json_t *v = json_object_get(event, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static bool has_type(json_t *event, const char *type)
{
	const char *t = json_string_value(json_object_get(event, "event_type"));

	return t && !strcmp(t, type);
}

int scenario_record_parse(json_t *event, struct scenario_record_fields *out)
{
	const char *what = json_string_value(json_object_get(event, "event"));
	json_t *elapsed = json_object_get(event, "elapsed_s");

	if (!has_type(event, SCENARIO_RECORD_TYPE) || !what ||
	    (strcmp(what, SCENARIO_RECORD_START) && strcmp(what, SCENARIO_RECORD_END)))
		return -1;
	*out = (struct scenario_record_fields){
		.end = !strcmp(what, SCENARIO_RECORD_END),
		.run_id = json_string_value(json_object_get(event, "run_id")),
		.component = json_string_value(json_object_get(event, "component")),
		.node = json_string_value(json_object_get(event, "node")),
		.timestamp = json_string_value(json_object_get(event, "timestamp")),
		.task_id = get_int(event, "task_id"), .attempt = get_int(event, "attempt"),
		.job_id = get_int(event, "job_id"), .array_job_id = get_int(event, "array_job_id"),
		.array_task_id = get_int(event, "array_task_id"),
		.restart_count = get_int(event, "restart_count"),
		.exit_code = get_int(event, "exit_code"), .signal = get_int(event, "signal"),
		.max_rss_bytes = get_int(event, "max_rss_bytes"),
		.oom_kill_count = get_int(event, "oom_kill_count"),
		.elapsed_s = json_is_number(elapsed) ? json_number_value(elapsed) : -1,
	};
	return out->component && out->task_id >= 0 && out->attempt > 0 ? 0 : -1;
}

bool scenario_record_is_pack_end(json_t *event)
{
	const char *what = json_string_value(json_object_get(event, "event"));

	return has_type(event, SCENARIO_RECORD_PACK_TYPE) && what && !strcmp(what, "end");
}
