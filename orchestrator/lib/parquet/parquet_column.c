/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A column chunk in memory: levels, values, dictionary, statistics (see
 * parquet_column.h). */
#include "lib/parquet/parquet_column.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int parquet_column_init(struct parquet_column *c, const struct parquet_column_spec *spec)
{
	*c = (struct parquet_column){ 0 };
	if (!(c->name = strdup(spec->name)))
		return -1;
	c->type = spec->type;
	c->nullable = spec->nullable;
	parquet_column_reset(c);
	return 0;
}

void parquet_column_reset(struct parquet_column *c)
{
	byte_buf_clear(&c->levels);
	byte_buf_clear(&c->plain);
	byte_buf_clear(&c->indices);
	parquet_dict_clear(&c->dict);
	byte_buf_clear(&c->stats.min);
	byte_buf_clear(&c->stats.max);
	c->stats.has_min = c->stats.has_max = false;
	c->stats.null_count = c->stats.nan_count = 0;
	c->dictionary = c->type == PARQUET_COLUMN_STRING;
	c->values = 0;
	c->any_number = false;
	c->out_of_memory = false;
}

void parquet_column_free(struct parquet_column *c)
{
	free(c->name);
	byte_buf_free(&c->levels);
	byte_buf_free(&c->plain);
	byte_buf_free(&c->indices);
	parquet_dict_free(&c->dict);
	byte_buf_free(&c->stats.min);
	byte_buf_free(&c->stats.max);
	*c = (struct parquet_column){ 0 };
}

/* A row with a value: its definition level (1) when the column is nullable. */
static void count_value(struct parquet_column *c)
{
	if (c->nullable)
		byte_buf_u8(&c->levels, 1);
	c->values++;
}

void parquet_column_add_null(struct parquet_column *c)
{
	byte_buf_u8(&c->levels, 0);
	c->stats.null_count++;
	c->values++;
}

/* Running min/max of an integer (booleans as 0 and 1). */
static void track_integer(struct parquet_column *c, int64_t value)
{
	if (!c->any_number || value < c->min_i64)
		c->min_i64 = value;
	if (!c->any_number || value > c->max_i64)
		c->max_i64 = value;
	c->any_number = true;
}

void parquet_column_add_int64(struct parquet_column *c, int64_t value)
{
	count_value(c);
	byte_buf_u64le(&c->plain, (uint64_t)value);
	track_integer(c, value);
}

void parquet_column_add_double(struct parquet_column *c, double value)
{
	uint64_t bits;

	count_value(c);
	memcpy(&bits, &value, sizeof bits);
	byte_buf_u64le(&c->plain, bits);
	if (isnan(value)) { /* NaN has no place in min/max: counted instead */
		c->stats.nan_count++;
		return;
	}
	if (!c->any_number || value < c->min_f64)
		c->min_f64 = value;
	if (!c->any_number || value > c->max_f64)
		c->max_f64 = value;
	c->any_number = true;
}

void parquet_column_add_bool(struct parquet_column *c, bool value)
{
	count_value(c);
	byte_buf_u8(&c->plain, value); /* a byte each here, bit-packed into the page */
	track_integer(c, value);
}

/* Byte-wise order, a prefix before the longer string: UTF-8's code point order. */
static int compare_bytes(const void *a, size_t a_len, const void *b, size_t b_len)
{
	size_t common = a_len < b_len ? a_len : b_len;
	int rc = common ? memcmp(a, b, common) : 0; /* an empty buffer's data may be NULL */

	if (rc != 0)
		return rc;
	return a_len < b_len ? -1 : a_len > b_len;
}

static void string_stats(struct parquet_column *c, const void *bytes, size_t len)
{
	struct parquet_stats *s = &c->stats;

	if (!s->has_min || compare_bytes(bytes, len, s->min.data, s->min.len) < 0) {
		byte_buf_clear(&s->min);
		byte_buf_put(&s->min, bytes, len);
		s->has_min = true;
	}
	if (!s->has_max || compare_bytes(bytes, len, s->max.data, s->max.len) > 0) {
		byte_buf_clear(&s->max);
		byte_buf_put(&s->max, bytes, len);
		s->has_max = true;
	}
	if (s->min.failed || s->max.failed)
		c->out_of_memory = true;
}

/* The dictionary grew past its limits: the chunk's values so far become
 * PLAIN, and so will the rest. */
static void fall_back_to_plain(struct parquet_column *c)
{
	const uint32_t *indices = (const uint32_t *)(const void *)c->indices.data;
	size_t count = c->indices.len / sizeof *indices;

	for (size_t i = 0; i < count; i++) {
		uint32_t len;
		const uint8_t *entry = parquet_dict_entry(&c->dict, indices[i], &len);

		byte_buf_u32le(&c->plain, len);
		byte_buf_put(&c->plain, entry, len);
	}
	byte_buf_clear(&c->indices);
	parquet_dict_clear(&c->dict);
	c->dictionary = false;
}

void parquet_column_add_string(struct parquet_column *c, const void *bytes, size_t len)
{
	count_value(c);
	if (len == 0)
		bytes = ""; /* never NULL for memcmp and memcpy */
	string_stats(c, bytes, len);
	if (c->dictionary) {
		int64_t index = parquet_dict_index(&c->dict, bytes, len);
		uint32_t index32 = (uint32_t)index;

		if (index < 0) {
			c->out_of_memory = true;
			return;
		}
		byte_buf_put(&c->indices, &index32, sizeof index32);
		if (c->dict.plain.len > PARQUET_DICT_MAX_BYTES ||
		    c->dict.count > PARQUET_DICT_MAX_ENTRIES)
			fall_back_to_plain(c);
		return;
	}
	byte_buf_u32le(&c->plain, (uint32_t)len);
	byte_buf_put(&c->plain, bytes, len);
}

/* Numbers' min/max as PLAIN bytes; zeros as the spec asks (-0.0 as a
 * minimum, +0.0 as a maximum), since a row group may hold either. */
static void number_stats(struct parquet_column *c)
{
	struct parquet_stats *s = &c->stats;

	byte_buf_clear(&s->min);
	byte_buf_clear(&s->max);
	if (c->type == PARQUET_COLUMN_DOUBLE) {
		double min = c->min_f64 == 0 ? -0.0 : c->min_f64;
		double max = c->max_f64 == 0 ? 0.0 : c->max_f64;
		uint64_t bits;

		memcpy(&bits, &min, sizeof bits);
		byte_buf_u64le(&s->min, bits);
		memcpy(&bits, &max, sizeof bits);
		byte_buf_u64le(&s->max, bits);
	} else if (c->type == PARQUET_COLUMN_BOOLEAN) {
		byte_buf_u8(&s->min, (uint8_t)c->min_i64);
		byte_buf_u8(&s->max, (uint8_t)c->max_i64);
	} else {
		byte_buf_u64le(&s->min, (uint64_t)c->min_i64);
		byte_buf_u64le(&s->max, (uint64_t)c->max_i64);
	}
	s->has_min = s->has_max = true;
}

void parquet_column_finish_stats(struct parquet_column *c)
{
	struct parquet_stats *s = &c->stats;

	if (c->type == PARQUET_COLUMN_STRING) {
		s->has_min = s->has_min && s->min.len <= PARQUET_STAT_MAX_BYTES;
		s->has_max = s->has_max && s->max.len <= PARQUET_STAT_MAX_BYTES;
	} else if (c->any_number) {
		number_stats(c);
	}
	if (s->min.failed || s->max.failed)
		c->out_of_memory = true;
}

size_t parquet_column_buffered(const struct parquet_column *c)
{
	return c->levels.len + c->plain.len + c->indices.len + c->dict.plain.len;
}

bool parquet_column_failed(const struct parquet_column *c)
{
	return c->out_of_memory || c->levels.failed || c->plain.failed || c->indices.failed ||
	       c->dict.plain.failed || c->stats.min.failed || c->stats.max.failed;
}
