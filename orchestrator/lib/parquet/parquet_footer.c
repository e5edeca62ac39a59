/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The footer's FileMetaData (see parquet_footer.h); field numbers are
 * parquet.thrift's. */
#include "lib/parquet/parquet_footer.h"

#include <string.h>

#include "lib/parquet/thrift_compact.h"

/* parquet.thrift's Type, FieldRepetitionType and ConvertedType values. */
enum { TYPE_BOOLEAN = 0, TYPE_INT64 = 2, TYPE_DOUBLE = 5, TYPE_BYTE_ARRAY = 6 };
enum { REPETITION_REQUIRED = 0, REPETITION_OPTIONAL = 1 };
enum { CONVERTED_UTF8 = 0, CONVERTED_TIMESTAMP_MILLIS = 9 };

static int32_t physical_type(enum parquet_column_type type)
{
	switch (type) {
	case PARQUET_COLUMN_DOUBLE: return TYPE_DOUBLE;
	case PARQUET_COLUMN_BOOLEAN: return TYPE_BOOLEAN;
	case PARQUET_COLUMN_STRING: return TYPE_BYTE_ARRAY;
	case PARQUET_COLUMN_INT64:
	case PARQUET_COLUMN_TIMESTAMP: break;
	}
	return TYPE_INT64;
}

/* Statistics: min/max in min_value/max_value (the type's own order), and
 * for numbers in the deprecated min/max too (their order is the signed one
 * older readers assume); null_count always, nan_count for doubles. */
static void write_statistics(struct thrift_writer *tw, const struct parquet_column *c)
{
	const struct parquet_stats *s = &c->stats;
	bool legacy = c->type != PARQUET_COLUMN_STRING;

	thrift_field_struct(tw, 12);
	if (legacy && s->has_max)
		thrift_field_binary(tw, 1, s->max.data, s->max.len);
	if (legacy && s->has_min)
		thrift_field_binary(tw, 2, s->min.data, s->min.len);
	thrift_field_i64(tw, 3, (int64_t)s->null_count);
	if (s->has_max)
		thrift_field_binary(tw, 5, s->max.data, s->max.len);
	if (s->has_min)
		thrift_field_binary(tw, 6, s->min.data, s->min.len);
	if (c->type == PARQUET_COLUMN_DOUBLE)
		thrift_field_i64(tw, 9, (int64_t)s->nan_count);
	thrift_end(tw);
}

/* The encodings the chunk's pages use: PLAIN (values or the dictionary
 * page), RLE (the levels, as every data page header says) and
 * RLE_DICTIONARY when the chunk has a dictionary. */
static void write_encodings(struct thrift_writer *tw, bool dictionary)
{
	thrift_field_list(tw, 2, THRIFT_I32, dictionary ? 3 : 2);
	thrift_list_i32(tw, PARQUET_ENCODING_PLAIN);
	thrift_list_i32(tw, PARQUET_ENCODING_RLE);
	if (dictionary)
		thrift_list_i32(tw, PARQUET_ENCODING_RLE_DICTIONARY);
}

/* Each page's kind and encoding (PageEncodingStats): lets a reader see
 * that every data page of a chunk is dictionary-encoded. */
static void write_encoding_stats(struct thrift_writer *tw, bool dictionary)
{
	enum { DATA_PAGE = 0, DICTIONARY_PAGE = 2 };

	thrift_field_list(tw, 13, THRIFT_STRUCT, dictionary ? 2 : 1);
	if (dictionary) {
		thrift_list_struct(tw);
		thrift_field_i32(tw, 1, DICTIONARY_PAGE);
		thrift_field_i32(tw, 2, PARQUET_ENCODING_PLAIN);
		thrift_field_i32(tw, 3, 1);
		thrift_end(tw);
	}
	thrift_list_struct(tw);
	thrift_field_i32(tw, 1, DATA_PAGE);
	thrift_field_i32(tw, 2, dictionary ? PARQUET_ENCODING_RLE_DICTIONARY : PARQUET_ENCODING_PLAIN);
	thrift_field_i32(tw, 3, 1);
	thrift_end(tw);
}

void parquet_footer_add_chunk(struct parquet_footer *f, const struct parquet_column *c,
			      enum parquet_codec codec, const struct parquet_chunk_pages *pages)
{
	struct thrift_writer tw;
	uint64_t first = pages->has_dictionary ? pages->dictionary_page_offset
					       : pages->data_page_offset;

	if (f->chunks.len == 0) /* the row group's first chunk */
		f->group_offset = first;
	f->group_uncompressed += pages->uncompressed_size;
	f->group_compressed += pages->compressed_size;
	thrift_begin(&tw, &f->chunks);
	/* no ColumnMetaData outside the footer: file_offset 0, as the spec asks */
	thrift_field_i64(&tw, 2, 0);
	thrift_field_struct(&tw, 3);
	thrift_field_i32(&tw, 1, physical_type(c->type));
	write_encodings(&tw, pages->has_dictionary);
	thrift_field_list(&tw, 3, THRIFT_BINARY, 1);
	thrift_list_binary(&tw, c->name, strlen(c->name));
	thrift_field_i32(&tw, 4, codec);
	thrift_field_i64(&tw, 5, (int64_t)c->values);
	thrift_field_i64(&tw, 6, (int64_t)pages->uncompressed_size);
	thrift_field_i64(&tw, 7, (int64_t)pages->compressed_size);
	thrift_field_i64(&tw, 9, (int64_t)pages->data_page_offset);
	if (pages->has_dictionary)
		thrift_field_i64(&tw, 11, (int64_t)pages->dictionary_page_offset);
	write_statistics(&tw, c);
	write_encoding_stats(&tw, pages->has_dictionary);
	thrift_end(&tw); /* ColumnMetaData */
	thrift_end(&tw); /* ColumnChunk */
}

void parquet_footer_end_row_group(struct parquet_footer *f, size_t column_count, uint64_t rows)
{
	struct thrift_writer tw;

	thrift_begin(&tw, &f->row_groups);
	thrift_field_list(&tw, 1, THRIFT_STRUCT, column_count);
	byte_buf_put(&f->row_groups, f->chunks.data, f->chunks.len);
	thrift_field_i64(&tw, 2, (int64_t)f->group_uncompressed);
	thrift_field_i64(&tw, 3, (int64_t)rows);
	thrift_field_i64(&tw, 5, (int64_t)f->group_offset);
	thrift_field_i64(&tw, 6, (int64_t)f->group_compressed);
	thrift_end(&tw);
	if (f->chunks.failed)
		f->row_groups.failed = true;
	byte_buf_clear(&f->chunks);
	f->row_group_count++;
	f->num_rows += rows;
	f->group_uncompressed = f->group_compressed = 0;
}

/* A leaf SchemaElement: type, repetition, name, converted and logical type. */
static void write_leaf(struct thrift_writer *tw, const struct parquet_column *c)
{
	thrift_list_struct(tw);
	thrift_field_i32(tw, 1, physical_type(c->type));
	thrift_field_i32(tw, 3, c->nullable ? REPETITION_OPTIONAL : REPETITION_REQUIRED);
	thrift_field_string(tw, 4, c->name);
	if (c->type == PARQUET_COLUMN_STRING) {
		thrift_field_i32(tw, 6, CONVERTED_UTF8);
		thrift_field_struct(tw, 10);          /* LogicalType */
		thrift_field_empty_struct(tw, 1);     /* STRING */
		thrift_end(tw);
	} else if (c->type == PARQUET_COLUMN_TIMESTAMP) {
		thrift_field_i32(tw, 6, CONVERTED_TIMESTAMP_MILLIS);
		thrift_field_struct(tw, 10);          /* LogicalType */
		thrift_field_struct(tw, 8);           /* TIMESTAMP */
		thrift_field_bool(tw, 1, true);       /* isAdjustedToUTC */
		thrift_field_struct(tw, 2);           /* unit */
		thrift_field_empty_struct(tw, 1);     /* MILLIS */
		thrift_end(tw);
		thrift_end(tw);
		thrift_end(tw);
	}
	thrift_end(tw);
}

static void write_schema(struct thrift_writer *tw, const struct parquet_column *columns,
			 size_t column_count)
{
	thrift_field_list(tw, 2, THRIFT_STRUCT, column_count + 1);
	thrift_list_struct(tw);
	thrift_field_string(tw, 4, "schema");
	thrift_field_i32(tw, 5, (int32_t)column_count);
	thrift_end(tw);
	for (size_t i = 0; i < column_count; i++)
		write_leaf(tw, &columns[i]);
}

void parquet_footer_encode(const struct parquet_footer *f, const struct parquet_column *columns,
			   size_t column_count, const char *created_by, struct byte_buf *out)
{
	struct thrift_writer tw;

	thrift_begin(&tw, out);
	thrift_field_i32(&tw, 1, 2); /* version: logical types, RLE_DICTIONARY */
	write_schema(&tw, columns, column_count);
	thrift_field_i64(&tw, 3, (int64_t)f->num_rows);
	thrift_field_list(&tw, 4, THRIFT_STRUCT, f->row_group_count);
	byte_buf_put(out, f->row_groups.data, f->row_groups.len);
	thrift_field_string(&tw, 6, created_by);
	/* every column's min/max in its type's own order (TypeDefinedOrder) */
	thrift_field_list(&tw, 7, THRIFT_STRUCT, column_count);
	for (size_t i = 0; i < column_count; i++) {
		thrift_list_struct(&tw);
		thrift_field_empty_struct(&tw, 1);
		thrift_end(&tw);
	}
	thrift_end(&tw);
	if (f->row_groups.failed)
		out->failed = true;
}

void parquet_footer_free(struct parquet_footer *f)
{
	byte_buf_free(&f->row_groups);
	byte_buf_free(&f->chunks);
}
