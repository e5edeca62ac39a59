/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What an event file's name says its lines are (see event_name.h). */
#include "event_name.h"
#include "step_event.h"

#include <stdio.h>
#include <string.h>

/* A decimal uint32 written as the writers write it (no sign, no leading
 * zero), ending at stop; the text after it. */
static const char *number(const char *s, char stop, uint32_t *out)
{
	uint64_t n = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && p - s < 10; p++)
		n = 10 * n + (uint64_t)(*p - '0');
	if (p == s || *p != stop || n > UINT32_MAX || (*s == '0' && p - s > 1))
		return NULL;
	*out = (uint32_t)n;
	return p + 1;
}

/* "<step>.": a name or a number, as step_id_name writes them. */
static const char *step(const char *s, char *out, size_t len)
{
	size_t n = strcspn(s, ".");

	if (n == 0 || n >= len || s[n] != '.' || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789") < n)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return s + n + 1;
}

int event_name_parse(const char *name, struct event_name *out)
{
	const char *p;

	memset(out, 0, sizeof *out);
	if (!strncmp(name, "pack.", 5)) {
		out->kind = EVENT_NAME_PACK;
		p = number(name + 5, '_', &out->array_job);
		p = p ? number(p, '.', &out->array_task) : NULL;
	} else {
		out->kind = EVENT_NAME_STEP;
		p = number(name, '.', &out->job);
		p = p ? step(p, out->step, sizeof out->step) : NULL;
	}
	p = p ? number(p, '.', &out->restart) : NULL;
	if (p && out->kind == EVENT_NAME_STEP && strcmp(p, "jsonl")) {
		p = number(p, '.', &out->node_index);
		out->per_node = true;
	}
	return p && !strcmp(p, "jsonl") ? 0 : -1;
}

/* Whether key, when there and not null, is the integer want. */
static bool same_int(json_t *event, const char *key, uint32_t want)
{
	json_t *v = json_object_get(event, key);

	return !v || json_is_null(v) || (json_is_integer(v) && json_integer_value(v) == (json_int_t)want);
}

static const char *forged_step(const struct event_name *n, json_t *event)
{
	const char *type = json_string_value(json_object_get(event, "event_type"));
	json_t *step_id = json_object_get(event, "step_id");

	if (json_object_get(event, "event_type") && (!type || strcmp(type, "step")))
		return "a line that is not a step event in a step's file";
	if (!same_int(event, "job_id", n->job))
		return "a line of another job";
	if (step_id && (!json_is_string(step_id) || strcmp(json_string_value(step_id), n->step)))
		return "a line of another step";
	if (!same_int(event, "node_index", n->node_index))
		return "a line of another node";
	return same_int(event, "restart_count", n->restart) ? NULL : "a line of another restart";
}

static const char *forged_pack(const struct event_name *n, json_t *event)
{
	const char *type = json_string_value(json_object_get(event, "event_type"));

	if (!type || (strcmp(type, "scenario") && strcmp(type, "pack")))
		return "a line that is not a scenario record in a pack's file";
	if (!same_int(event, "array_job_id", n->array_job) ||
	    !same_int(event, "array_task_id", n->array_task))
		return "a line of another array task";
	return same_int(event, "restart_count", n->restart) ? NULL : "a line of another restart";
}

const char *event_name_forged(const struct event_name *name, json_t *event)
{
	return name->kind == EVENT_NAME_PACK ? forged_pack(name, event) : forged_step(name, event);
}

/* Whether key, when an integer, is in [low, low + span). */
static bool int_within(json_t *event, const char *key, json_int_t low, json_int_t span)
{
	json_t *v = json_object_get(event, key);

	return !json_is_integer(v) ||
	       (json_integer_value(v) >= low && json_integer_value(v) - low < span);
}

const char *event_name_forged_dir(const char *top, const char *leaf, json_t *event)
{
	uint32_t array_job, bucket;

	if (!number(leaf, '\0', &bucket) ||
	    (strcmp(top, "job") && !number(top, '\0', &array_job)))
		return NULL;  /* not a directory step_event_subdir makes: no claim to check */
	if (!strcmp(top, "job"))
		return int_within(event, "job_id", (json_int_t)bucket * STEP_EVENT_BUCKET,
				  STEP_EVENT_BUCKET) ? NULL : "a line of a job of another directory";
	if (!int_within(event, "array_job_id", array_job, 1) ||
	    !int_within(event, "array_task_id", (json_int_t)bucket * STEP_EVENT_BUCKET,
			STEP_EVENT_BUCKET))
		return "a line of an array task of another directory";
	return NULL;
}
