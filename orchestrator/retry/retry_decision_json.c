/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A retry decision for people (the summary), and its file boundary:
 * failures.jsonl's details.retry written from the struct and read back into
 * it (see retry_decision.h); in memory a decision is never JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retry/retry_decision.h"
#include "rfc3339.h"
#include "units.h"

static const char *const action_names[] = {
	[RETRY_GIVE_UP] = "give_up", [RETRY_RESUBMIT] = "retry", [RETRY_FOLLOW] = "follow",
};

/* Appends printf output to buf at *used, never beyond len. */
__attribute__((format(printf, 4, 5)))
static void add(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	*used = n < 0 ? len : *used + (size_t)n;
}

const char *retry_span_text(uint64_t s, char *buf, size_t len)
{
	if (s && s % 3600 == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(s / 3600));
	else if (s && s % 60 == 0)
		snprintf(buf, len, "%llum", (unsigned long long)(s / 60));
	else
		snprintf(buf, len, "%llus", (unsigned long long)s);
	return buf;
}

/* " with memory 4G→8G" (or "8G" alone when none was requested). */
static void add_change(char *buf, size_t len, size_t *used, const char *what,
		       uint64_t before, uint64_t after, bool is_size)
{
	char a[32], b[32];

	if (before == after)
		return;
	if (is_size) {
		units_format_size(before, a, sizeof a);
		units_format_size(after, b, sizeof b);
	} else {
		retry_span_text(before, a, sizeof a);
		retry_span_text(after, b, sizeof b);
	}
	if (before)
		add(buf, len, used, " with %s %s\u2192%s", what, a, b);
	else
		add(buf, len, used, " with %s %s", what, b);
}

void retry_summary(const struct retry_decision *d, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (d->action != RETRY_RESUBMIT) {
		add(buf, len, &used, "%s: %s", d->action == RETRY_GIVE_UP ? "give up" : "follow",
		    d->reason);
		return;
	}
	add(buf, len, &used, "retry %u/", d->class_failures + 1);
	if (d->max_attempts)
		add(buf, len, &used, "%u", d->max_attempts);
	else
		add(buf, len, &used, "unlimited");
	if (d->delay_s)
		add(buf, len, &used, " in %llus", (unsigned long long)d->delay_s);
	else
		add(buf, len, &used, " at once");
	add_change(buf, len, &used, "memory", d->previous.memory_bytes,
		   d->resources.memory_bytes, true);
	add_change(buf, len, &used, "walltime", d->previous.walltime_s,
		   d->resources.walltime_s, false);
	if (d->exclude[0])
		add(buf, len, &used, " excluding %s", d->exclude);
}

/* A count, or null when it is 0 (unknown or unlimited). */
static json_t *count_or_null(uint64_t n)
{
	return n ? json_integer((json_int_t)n) : json_null();
}

/* The exclude list as a JSON array of node names. */
static json_t *exclude_json(const char *list)
{
	json_t *array = json_array();
	char copy[RETRY_EXCLUDE_SIZE], *saveptr = NULL;

	snprintf(copy, sizeof copy, "%s", list);
	for (char *node = strtok_r(copy, ",", &saveptr); array && node;
	     node = strtok_r(NULL, ",", &saveptr))
		json_array_append_new(array, json_string(node));
	return array;
}

/* What only a resubmission has: the next attempt and how it runs. */
static int add_resubmission(const struct retry_decision *d, json_t *obj)
{
	struct timespec at = { .tv_sec = (time_t)d->not_before };
	char when[RFC3339_BUFSZ];

	rfc3339_format(&at, when, sizeof when);
	return json_object_update_new(obj, json_pack(
		"{s:I, s:I, s:s, s:{s:I, s:o, s:o}, s:o}",
		"next_attempt", (json_int_t)d->next_attempt,
		"delay_s", (json_int_t)d->delay_s, "not_before", when,
		"resources", "cpus", (json_int_t)d->resources.cpus,
		"memory_bytes", count_or_null(d->resources.memory_bytes),
		"walltime_s", count_or_null(d->resources.walltime_s),
		"exclude", exclude_json(d->exclude)));
}

json_t *retry_decision_json(const struct retry_decision *d)
{
	char summary[RETRY_SUMMARY_SIZE];
	json_t *obj;

	retry_summary(d, summary, sizeof summary);
	obj = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "action", action_names[d->action],
			"summary", summary, "failure_class", failure_class_name(d->failure_class),
			"attempt", (json_int_t)d->attempt,
			"class_failures", (json_int_t)d->class_failures,
			"max_attempts", count_or_null(d->max_attempts));
	if (obj && d->action != RETRY_RESUBMIT &&
	    json_object_set_new(obj, "reason", json_string(d->reason)) != 0)
		goto oom;
	if (obj && d->action == RETRY_RESUBMIT && add_resubmission(d, obj) != 0)
		goto oom;
	if (obj && d->note[0] && json_object_set_new(obj, "note", json_string(d->note)) != 0)
		goto oom;
	return obj;
oom:
	json_decref(obj);
	return NULL;
}

/* A non-negative integer member, or 0 when null or absent; false when it is
 * something else. */
static bool read_count(const json_t *obj, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(obj, key);

	*out = json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
	return !v || json_is_null(v) || (json_is_integer(v) && json_integer_value(v) >= 0);
}

/* The action details.retry names; false when it names none. */
static bool read_action(const json_t *retry, enum retry_action *action)
{
	const char *name = json_string_value(json_object_get(retry, "action"));

	for (size_t i = 0; name && i < sizeof action_names / sizeof action_names[0]; i++) {
		if (strcmp(name, action_names[i]) == 0) {
			*action = (enum retry_action)i;
			return true;
		}
	}
	return false;
}

/* Joins the exclude array back into "n1,n2"; false when it is malformed. */
static bool read_exclude(const json_t *array, char *list, size_t size)
{
	size_t used = 0, i;
	json_t *node;

	list[0] = '\0';
	if (!array)
		return true;
	if (!json_is_array(array))
		return false;
	json_array_foreach(array, i, node) {
		if (!json_is_string(node))
			return false;
		add(list, size, &used, "%s%s", used ? "," : "", json_string_value(node));
	}
	return used < size;
}

/* The resubmission's members: next attempt, resources, when and where. */
static bool read_resubmission(const json_t *retry, struct retry_decision *d)
{
	const json_t *res = json_object_get(retry, "resources");
	const char *when = json_string_value(json_object_get(retry, "not_before"));
	uint64_t next, cpus, delay;
	struct timespec at;

	if (!json_is_object(res) || !when || rfc3339_parse(when, &at) != 0 ||
	    !read_count(retry, "next_attempt", &next) || !next ||
	    !read_count(retry, "delay_s", &delay) || !read_count(res, "cpus", &cpus) ||
	    !read_count(res, "memory_bytes", &d->resources.memory_bytes) ||
	    !read_count(res, "walltime_s", &d->resources.walltime_s) ||
	    !read_exclude(json_object_get(retry, "exclude"), d->exclude, sizeof d->exclude))
		return false;
	d->next_attempt = (unsigned)next;
	d->resources.cpus = (unsigned)cpus;
	d->delay_s = delay;
	d->not_before = (int64_t)at.tv_sec;
	return true;
}

int retry_decision_from_json(const json_t *retry, const struct component *component,
			     size_t index, struct retry_decision *out)
{
	const char *class = json_string_value(json_object_get(retry, "failure_class"));
	const char *reason = json_string_value(json_object_get(retry, "reason"));
	const char *note = json_string_value(json_object_get(retry, "note"));
	uint64_t attempt, class_failures, max_attempts;

	memset(out, 0, sizeof *out);
	out->component = component;
	out->index = index;
	if (!json_is_object(retry) || !read_action(retry, &out->action) || !class ||
	    !failure_class_from_name(class, &out->failure_class) ||
	    !read_count(retry, "attempt", &attempt) ||
	    !read_count(retry, "class_failures", &class_failures) ||
	    !read_count(retry, "max_attempts", &max_attempts))
		return -1;
	out->attempt = (unsigned)attempt;
	out->class_failures = (unsigned)class_failures;
	out->max_attempts = (unsigned)max_attempts;
	snprintf(out->reason, sizeof out->reason, "%s", reason ? reason : "");
	snprintf(out->note, sizeof out->note, "%s", note ? note : "");
	if (out->action == RETRY_RESUBMIT && !read_resubmission(retry, out))
		return -1;
	return 0;
}
