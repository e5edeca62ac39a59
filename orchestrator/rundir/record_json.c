/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON values of telemetry record fields (see record_json.h). */
#include "rundir/record_json.h"

#include <limits.h>

json_t *record_int_or_null(int64_t value)
{
	return value < 0 ? json_null() : json_integer(value);
}

json_t *record_real_or_null(double value)
{
	return value < 0 ? json_null() : json_real(value);
}

const char *record_stamp(const char *given, char buf[RFC3339_BUFSZ])
{
	return given ? given : rfc3339_now(buf, RFC3339_BUFSZ);
}

const char *record_string(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int64_t record_count(const json_t *obj, const char *key)
{
	json_t *value = json_object_get(obj, key);

	return json_is_integer(value) && json_integer_value(value) >= 0
		       ? (int64_t)json_integer_value(value) : -1;
}

int record_small_int(const json_t *obj, const char *key)
{
	int64_t value = record_count(obj, key);

	return value <= INT_MAX ? (int)value : -1;
}

double record_number(const json_t *obj, const char *key)
{
	json_t *value = json_object_get(obj, key);

	return json_is_number(value) ? json_number_value(value) : -1;
}
