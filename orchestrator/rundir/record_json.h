/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON values of telemetry record fields, both ways, shared by
 * task_record.c and failure_record.c: what is unknown (a negative number, a
 * NULL string) is written null, and what is null, absent or of the wrong
 * type reads back as unknown. */
#ifndef SCALABLE_RECORD_JSON_H
#define SCALABLE_RECORD_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "rfc3339.h"

/* Writing: null for a negative value. */
json_t *record_int_or_null(int64_t value);
json_t *record_real_or_null(double value);
/* The row's timestamp, or now (into buf). */
const char *record_stamp(const char *given, char buf[RFC3339_BUFSZ]);

/* Reading: a member of obj (obj may be NULL). */
const char *record_string(const json_t *obj, const char *key);
/* An integer >= 0, else -1. */
int64_t record_count(const json_t *obj, const char *key);
/* An integer in 0..INT_MAX, else -1. */
int record_small_int(const json_t *obj, const char *key);
/* Any number, else -1. */
double record_number(const json_t *obj, const char *key);

#endif
