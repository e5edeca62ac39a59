/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "step_event_parse.h"

#include "step_event.h"

#include <stdlib.h>
#include <string.h>

static struct step_event_int int_field(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	struct step_event_int r = { false, -1 };

	if (json_is_integer(v)) {
		r.set = true;
		r.value = json_integer_value(v);
	}
	return r;
}

static struct step_event_real real_field(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	struct step_event_real r = { false, -1 };

	if (json_is_number(v)) {
		r.set = true;
		r.value = json_number_value(v);
	}
	return r;
}

static struct step_event_flag flag_field(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	struct step_event_flag r = { json_is_boolean(v), json_is_true(v) };

	return r;
}

static const char *string_field(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The inverse of step_id_name: a reserved id by its name, any other by its
 * number; unset for anything step_id_name never writes. */
static struct step_event_int decode_step(const char *name)
{
	static const uint32_t named[] = { STEP_ID_BATCH, STEP_ID_EXTERN, STEP_ID_INTERACTIVE,
					  STEP_ID_PENDING };
	struct step_event_int r = { false, -1 };
	size_t len = name ? strlen(name) : 0;
	char written[24];

	if (len > 0 && len <= 10 && strspn(name, "0123456789") == len) {
		unsigned long long n = strtoull(name, NULL, 10);

		step_id_name((uint32_t)n, written, sizeof written);
		/* leading zeros, or a reserved id by number, are not what the writer writes */
		if (n <= UINT32_MAX && !strcmp(name, written))
			r = (struct step_event_int){ true, (int64_t)n };
		return r;
	}
	for (size_t i = 0; name && i < sizeof named / sizeof *named; i++) {
		step_id_name(named[i], written, sizeof written);
		if (!strcmp(name, written))
			r = (struct step_event_int){ true, named[i] };
	}
	return r;
}

static void read_identity(const json_t *obj, struct step_event_fields *out)
{
	out->array_job_id = int_field(obj, "array_job_id");
	out->array_task_id = int_field(obj, "array_task_id");
	out->step_name = string_field(obj, "step_id");
	out->step_id = decode_step(out->step_name);
	out->restart_count = int_field(obj, "restart_count");
	out->node = string_field(obj, "node");
	out->node_index = int_field(obj, "node_index");
	out->node_count = int_field(obj, "node_count");
	out->uid = int_field(obj, "uid");
	out->pid = int_field(obj, "pid");
	out->run_id = string_field(obj, "run_id");
	out->task_id = int_field(obj, "task_id");
	out->attempt = int_field(obj, "attempt");
	out->time_limit_s = int_field(obj, "time_limit_s");
	out->mem_limit_bytes = int_field(obj, "mem_limit_bytes");
}

static void read_end(const json_t *obj, struct step_event_fields *out)
{
	out->exit_code = int_field(obj, "exit_code");
	out->signal = int_field(obj, "signal");
	out->core_dumped = flag_field(obj, "core_dumped");
	out->elapsed_s = real_field(obj, "elapsed_s");
	out->max_rss_bytes = int_field(obj, "max_rss_bytes");
	out->oom_kill_count = int_field(obj, "oom_kill_count");
	out->inferred_cause = string_field(obj, "inferred_cause");
	out->ntasks = int_field(obj, "ntasks");
}

static void read_sample(const json_t *obj, struct step_event_fields *out)
{
	out->current_bytes = int_field(obj, "current_bytes");
	out->peak_bytes = int_field(obj, "peak_bytes");
	out->limit_bytes = int_field(obj, "limit_bytes");
	out->percent = real_field(obj, "percent");
	out->threshold = string_field(obj, "threshold");
	out->oom_count = int_field(obj, "oom_count");
	out->max_count = int_field(obj, "max_count");
	out->high_count = int_field(obj, "high_count");
}

int step_event_parse(const json_t *obj, struct step_event_fields *out)
{
	struct step_event_int job_id = int_field(obj, "job_id");

	memset(out, 0, sizeof *out);
	out->event_type = string_field(obj, "event_type");
	out->schema_version = int_field(obj, "schema_version");
	out->event = string_field(obj, "event");
	out->timestamp = string_field(obj, "timestamp");
	out->job_id = job_id.value > 0 && job_id.value <= UINT32_MAX ? (uint32_t)job_id.value : 0;
	read_identity(obj, out);
	read_end(obj, out);
	read_sample(obj, out);
	return out->event && out->step_name && out->job_id != 0 ? 0 : -1;
}

int step_event_parse_line(const char *line, struct step_event_fields *out, json_t **json_out)
{
	json_t *obj = json_loads(line, 0, NULL);

	*json_out = NULL;
	if (step_event_parse(obj, out) != 0) {
		json_decref(obj);
		return -1;
	}
	*json_out = obj;
	return 0;
}
