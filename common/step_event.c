/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "step_event.h"

#include "rfc3339.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void step_event_init(struct step_event *ev, const char *name, const struct step_identity *id)
{
	memset(ev, 0, sizeof(*ev));
	ev->event = name;
	rfc3339_now(ev->timestamp, sizeof(ev->timestamp));
	ev->id = *id;
	ev->max_rss_bytes = -1;
	ev->oom_kill_count = -1;
	ev->sample = (struct step_memory_sample){ -1, -1, -1, -1, NULL, -1, -1, -1, -1 };
}

void step_id_name(uint32_t step_id, char *buf, size_t bufsz)
{
	switch (step_id) {
	case STEP_ID_BATCH:       snprintf(buf, bufsz, "batch"); break;
	case STEP_ID_EXTERN:      snprintf(buf, bufsz, "extern"); break;
	case STEP_ID_INTERACTIVE: snprintf(buf, bufsz, "interactive"); break;
	case STEP_ID_PENDING:     snprintf(buf, bufsz, "pending"); break;
	default:                  snprintf(buf, bufsz, "%u", step_id); break;
	}
}

/* Sets key to an integer, or to null when the value is the -1 "unknown" marker. */
static int set_optional_int(json_t *obj, const char *key, int64_t value)
{
	json_t *v = value < 0 ? json_null() : json_integer(value);
	return json_object_set_new(obj, key, v);
}

static int add_end_fields(json_t *obj, const struct step_event *ev)
{
	int rc = 0;
	if (ev->has_outcome) {
		rc |= json_object_set_new(obj, "exit_code", json_integer(ev->outcome.exit_code));
		rc |= json_object_set_new(obj, "signal", json_integer(ev->outcome.signal));
		rc |= json_object_set_new(obj, "core_dumped", json_boolean(ev->outcome.core_dumped));
	} else {
		rc |= json_object_set_new(obj, "exit_code", json_null());
		rc |= json_object_set_new(obj, "signal", json_null());
	}
	rc |= json_object_set_new(obj, "elapsed_s", json_real(ev->elapsed_s));
	rc |= set_optional_int(obj, "max_rss_bytes", ev->max_rss_bytes);
	rc |= set_optional_int(obj, "oom_kill_count", ev->oom_kill_count);
	rc |= json_object_set_new(obj, "inferred_cause",
				  ev->inferred_cause ? json_string(ev->inferred_cause) : json_null());
	rc |= json_object_set_new(obj, "ntasks", json_integer(ev->ntasks));
	return rc;
}

static int add_sample_fields(json_t *obj, const struct step_event *ev)
{
	const struct step_memory_sample *m = &ev->sample;
	int rc = 0;
	rc |= json_object_set_new(obj, "elapsed_s", json_real(ev->elapsed_s));
	rc |= set_optional_int(obj, "current_bytes", m->current_bytes);
	rc |= set_optional_int(obj, "peak_bytes", m->peak_bytes);
	rc |= set_optional_int(obj, "limit_bytes", m->limit_bytes);
	/* one decimal: 87.5, not 87.49999999 */
	rc |= json_object_set_new(obj, "percent", m->percent < 0 ? json_null() :
				  json_real((double)(int64_t)(m->percent * 10 + 0.5) / 10));
	rc |= json_object_set_new(obj, "threshold",
				  m->threshold ? json_string(m->threshold) : json_null());
	rc |= set_optional_int(obj, "oom_count", m->oom_count);
	rc |= set_optional_int(obj, "oom_kill_count", m->oom_kill_count);
	rc |= set_optional_int(obj, "max_count", m->max_count);
	rc |= set_optional_int(obj, "high_count", m->high_count);
	return rc;
}

char *step_event_to_json_line(const struct step_event *ev, size_t *len_out)
{
	char step[24];
	step_id_name(ev->id.step_id, step, sizeof(step));
	json_t *obj = json_pack("{s:s, s:i, s:s, s:s, s:I, s:s, s:I, s:s?, s:I, s:I}",
				"event_type", "step",
				"schema_version", STEP_EVENT_SCHEMA_VERSION,
				"event", ev->event,
				"timestamp", ev->timestamp,
				"job_id", (json_int_t)ev->id.job_id,
				"step_id", step,
				"restart_count", (json_int_t)ev->id.restart_count,
				"node", ev->id.node,
				"uid", (json_int_t)ev->id.uid,
				"pid", (json_int_t)ev->id.pid);
	if (!obj)
		return NULL;
	int rc = 0;
	rc |= set_optional_int(obj, "array_job_id", ev->id.array_job_id);
	rc |= set_optional_int(obj, "array_task_id", ev->id.array_task_id);
	rc |= json_object_set_new(obj, "run_id", ev->id.run_id ? json_string(ev->id.run_id) : json_null());
	/* both null when Slurm did not say how many nodes the step has */
	rc |= set_optional_int(obj, "node_index", ev->id.node_count ? (int64_t)ev->id.node_index : -1);
	rc |= set_optional_int(obj, "node_count", ev->id.node_count ? (int64_t)ev->id.node_count : -1);
	rc |= set_optional_int(obj, "task_id", ev->id.task_id);
	rc |= set_optional_int(obj, "attempt", ev->id.attempt);
	rc |= set_optional_int(obj, "time_limit_s", ev->id.time_limit_s);
	rc |= set_optional_int(obj, "mem_limit_bytes", ev->id.mem_limit_bytes);
	if (ev->producer)
		rc |= json_object_set_new(obj, "producer", json_string(ev->producer));
	if (strcmp(ev->event, "end") == 0)
		rc |= add_end_fields(obj, ev);
	else if (strcmp(ev->event, "sample") == 0)
		rc |= add_sample_fields(obj, ev);
	char *text = rc == 0 ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(obj);
	if (!text)
		return NULL;
	size_t len = strlen(text);
	char *line = realloc(text, len + 2);
	if (!line) {
		free(text);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	if (len_out)
		*len_out = len + 1;
	return line;
}

int step_event_file_name(const struct step_identity *id, char *buf, size_t bufsz)
{
	char step[24];
	int n;

	step_id_name(id->step_id, step, sizeof(step));
	if (id->node_count > 1)
		n = snprintf(buf, bufsz, "%u.%s.%u.%u.jsonl", id->job_id, step, id->restart_count,
			     id->node_index);
	else
		n = snprintf(buf, bufsz, "%u.%s.%u.jsonl", id->job_id, step, id->restart_count);
	return (n < 0 || (size_t)n >= bufsz) ? -1 : 0;
}

int step_event_subdir(const struct step_identity *id, char *buf, size_t bufsz)
{
	int n;

	if (id->array_job_id > 0 && id->array_task_id >= 0)
		n = snprintf(buf, bufsz, "%lld/%lld", (long long)id->array_job_id,
			     (long long)(id->array_task_id / STEP_EVENT_BUCKET));
	else
		n = snprintf(buf, bufsz, "job/%u", id->job_id / STEP_EVENT_BUCKET);
	return (n < 0 || (size_t)n >= bufsz) ? -1 : 0;
}
