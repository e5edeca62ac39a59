/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Parquet writer's API (see parquet_writer.h): rows into column chunks,
 * a row group out when full, the footer and the rename at close. */
#include "lib/parquet/parquet_writer.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/parquet/parquet_column.h"
#include "lib/parquet/parquet_footer.h"
#include "lib/parquet/parquet_page.h"
#include "lib/util/atomic_file.h"

#define PARQUET_DEFAULT_ROW_GROUP_ROWS 131072
/* A row group is written early once its chunks hold this much: memory stays
 * bounded, and no page outgrows Parquet's 32-bit page sizes. */
#define PARQUET_ROW_GROUP_MAX_BYTES ((size_t)256 << 20)
static const char parquet_magic[4] = { 'P', 'A', 'R', '1' };

struct parquet_writer {
	char *path, *tmp_path, *created_by;
	FILE *file;
	struct parquet_sink sink;
	struct parquet_footer footer;
	struct parquet_column *columns;
	bool *row_set;              /* the columns the current row has a value for */
	size_t column_count;
	size_t row_group_rows;
	uint64_t rows_in_group;
};

/* Names present, unique, types known; -1 with err set otherwise. */
static int check_columns(const struct parquet_column_spec *columns, size_t count,
			 struct error *err)
{
	if (count == 0) {
		error_usage(err, "a Parquet table needs at least one column");
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		if (!columns[i].name || !columns[i].name[0]) {
			error_usage(err, "Parquet column %zu has no name", i + 1);
			return -1;
		}
		if ((unsigned)columns[i].type > PARQUET_COLUMN_TIMESTAMP) {
			error_usage(err, "Parquet column %s: unknown type %d", columns[i].name,
				    (int)columns[i].type);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(columns[i].name, columns[j].name) == 0) {
				error_usage(err, "Parquet column %s is named twice", columns[i].name);
				return -1;
			}
		}
	}
	return 0;
}

static void free_writer(struct parquet_writer *w)
{
	if (w->file)
		fclose(w->file);
	parquet_sink_free(&w->sink);
	parquet_footer_free(&w->footer);
	for (size_t i = 0; w->columns && i < w->column_count; i++)
		parquet_column_free(&w->columns[i]);
	free(w->columns);
	free(w->row_set);
	free(w->path);
	free(w->tmp_path);
	free(w->created_by);
	free(w);
}

/* The writer's memory and names; -1 when memory ran out. */
static int allocate(struct parquet_writer *w, const char *path,
		    const struct parquet_column_spec *columns, size_t count,
		    const struct parquet_options *opts)
{
	const char *created_by = opts && opts->created_by ? opts->created_by : "scalable";

	w->row_group_rows = opts && opts->row_group_rows ? opts->row_group_rows
							 : PARQUET_DEFAULT_ROW_GROUP_ROWS;
	if (!(w->path = strdup(path)) || !(w->created_by = strdup(created_by)))
		return -1;
	if (asprintf(&w->tmp_path, "%s.tmp", path) < 0) {
		w->tmp_path = NULL;
		return -1;
	}
	if (!(w->columns = calloc(count, sizeof *w->columns)) ||
	    !(w->row_set = calloc(count, sizeof *w->row_set)))
		return -1;
	for (; w->column_count < count; w->column_count++)
		if (parquet_column_init(&w->columns[w->column_count], &columns[w->column_count]) != 0)
			return -1;
	return 0;
}

/* Creates PATH.tmp and writes the leading magic. */
static int create_file(struct parquet_writer *w, enum parquet_compression compression)
{
	int fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);

	if (fd < 0)
		return -1;
	if (!(w->file = fdopen(fd, "w"))) {
		close(fd);
		unlink(w->tmp_path);
		return -1;
	}
	if (parquet_sink_init(&w->sink, w->file, compression) != 0)
		return errno = ENOMEM, -1;
	if (parquet_sink_write(&w->sink, parquet_magic, sizeof parquet_magic) != 0)
		return errno = w->sink.error, -1;
	return 0;
}

struct parquet_writer *parquet_writer_open(const char *path,
					   const struct parquet_column_spec *columns,
					   size_t column_count,
					   const struct parquet_options *opts,
					   struct error *err)
{
	struct parquet_writer *w;
	enum parquet_compression compression = opts ? opts->compression : PARQUET_COMPRESSION_ZSTD;

	if (check_columns(columns, column_count, err) != 0)
		return NULL;
	if (!(w = calloc(1, sizeof *w)) || allocate(w, path, columns, column_count, opts) != 0) {
		errno = ENOMEM;
		error_system(err, "cannot write %s", path);
		if (w)
			free_writer(w);
		return NULL;
	}
	if (create_file(w, compression) != 0) {
		error_system(err, "cannot write %s", w->tmp_path);
		if (w->file)
			unlink(w->tmp_path);
		free_writer(w);
		return NULL;
	}
	return w;
}

/* The column a set_* call names, or NULL when the call is a programming
 * error: an index out of range, a second value in one row, the wrong type. */
static struct parquet_column *column_to_set(struct parquet_writer *w, size_t column,
					    enum parquet_column_type type)
{
	struct parquet_column *c;

	assert(column < w->column_count && !w->row_set[column]);
	if (column >= w->column_count || w->row_set[column])
		return NULL;
	c = &w->columns[column];
	assert(c->type == type);
	if (c->type != type)
		return NULL;
	w->row_set[column] = true;
	return c;
}

void parquet_set_int64(struct parquet_writer *w, size_t column, int64_t value)
{
	struct parquet_column *c = column_to_set(w, column, PARQUET_COLUMN_INT64);

	if (c)
		parquet_column_add_int64(c, value);
}

void parquet_set_timestamp_ms(struct parquet_writer *w, size_t column, int64_t ms)
{
	struct parquet_column *c = column_to_set(w, column, PARQUET_COLUMN_TIMESTAMP);

	if (c)
		parquet_column_add_int64(c, ms);
}

void parquet_set_double(struct parquet_writer *w, size_t column, double value)
{
	struct parquet_column *c = column_to_set(w, column, PARQUET_COLUMN_DOUBLE);

	if (c)
		parquet_column_add_double(c, value);
}

void parquet_set_bool(struct parquet_writer *w, size_t column, bool value)
{
	struct parquet_column *c = column_to_set(w, column, PARQUET_COLUMN_BOOLEAN);

	if (c)
		parquet_column_add_bool(c, value);
}

void parquet_set_string(struct parquet_writer *w, size_t column, const char *text, size_t len)
{
	struct parquet_column *c = column_to_set(w, column, PARQUET_COLUMN_STRING);

	if (c)
		parquet_column_add_string(c, text, len);
}

/* A null, or in a required column (a programming error) the type's zero. */
static void add_null_or_zero(struct parquet_column *c)
{
	assert(c->nullable);
	if (c->nullable)
		parquet_column_add_null(c);
	else if (c->type == PARQUET_COLUMN_DOUBLE)
		parquet_column_add_double(c, 0);
	else if (c->type == PARQUET_COLUMN_BOOLEAN)
		parquet_column_add_bool(c, false);
	else if (c->type == PARQUET_COLUMN_STRING)
		parquet_column_add_string(c, "", 0);
	else
		parquet_column_add_int64(c, 0);
}

void parquet_set_null(struct parquet_writer *w, size_t column)
{
	assert(column < w->column_count && !w->row_set[column]);
	if (column >= w->column_count || w->row_set[column])
		return;
	w->row_set[column] = true;
	add_null_or_zero(&w->columns[column]);
}

/* The error of a failed write: the sink's errno, or ENOMEM. */
static int write_failed(struct parquet_writer *w, int errnum, struct error *err)
{
	errno = errnum;
	error_system(err, "cannot write %s", w->tmp_path);
	return -1;
}

static int write_row_group(struct parquet_writer *w, struct error *err)
{
	struct parquet_chunk_pages pages;

	for (size_t i = 0; i < w->column_count; i++) {
		struct parquet_column *c = &w->columns[i];

		parquet_column_finish_stats(c);
		if (parquet_column_failed(c))
			return write_failed(w, ENOMEM, err);
		if (parquet_write_chunk(&w->sink, c, &pages) != 0)
			return write_failed(w, w->sink.error, err);
		parquet_footer_add_chunk(&w->footer, c, parquet_sink_codec(&w->sink), &pages);
	}
	parquet_footer_end_row_group(&w->footer, w->column_count, w->rows_in_group);
	if (w->footer.row_groups.failed)
		return write_failed(w, ENOMEM, err);
	for (size_t i = 0; i < w->column_count; i++)
		parquet_column_reset(&w->columns[i]);
	w->rows_in_group = 0;
	return 0;
}

static size_t buffered_bytes(const struct parquet_writer *w)
{
	size_t total = 0;

	for (size_t i = 0; i < w->column_count; i++)
		total += parquet_column_buffered(&w->columns[i]);
	return total;
}

int parquet_end_row(struct parquet_writer *w, struct error *err)
{
	for (size_t i = 0; i < w->column_count; i++) {
		assert(w->row_set[i]); /* every column gets a value or a null */
		if (!w->row_set[i])
			add_null_or_zero(&w->columns[i]);
		w->row_set[i] = false;
	}
	w->rows_in_group++;
	if (w->rows_in_group >= w->row_group_rows || buffered_bytes(w) > PARQUET_ROW_GROUP_MAX_BYTES)
		return write_row_group(w, err);
	return 0;
}

/* The footer, its length and the closing magic; flushed and synced. */
static int write_footer(struct parquet_writer *w, struct error *err)
{
	struct byte_buf footer = { 0 };
	int rc = 0;

	parquet_footer_encode(&w->footer, w->columns, w->column_count, w->created_by, &footer);
	byte_buf_u32le(&footer, (uint32_t)footer.len);
	byte_buf_put(&footer, parquet_magic, sizeof parquet_magic);
	if (footer.failed || footer.len > UINT32_MAX)
		rc = write_failed(w, ENOMEM, err);
	else if (parquet_sink_write(&w->sink, footer.data, footer.len) != 0)
		rc = write_failed(w, w->sink.error, err);
	else if (fflush(w->file) != 0 || fsync(fileno(w->file)) != 0)
		rc = write_failed(w, errno, err);
	byte_buf_free(&footer);
	return rc;
}

int parquet_writer_close(struct parquet_writer *w, struct error *err)
{
	int rc = 0;

	if (w->rows_in_group > 0)
		rc = write_row_group(w, err);
	if (rc == 0)
		rc = write_footer(w, err);
	if (fclose(w->file) != 0 && rc == 0)
		rc = write_failed(w, errno, err);
	w->file = NULL;
	if (rc == 0 && rename(w->tmp_path, w->path) != 0) {
		error_system(err, "cannot rename %s to %s", w->tmp_path, w->path);
		rc = -1;
	}
	if (rc == 0)
		fsync_parent_dir(w->path); /* best effort: the data itself is synced */
	else
		unlink(w->tmp_path);
	free_writer(w);
	return rc;
}

void parquet_writer_abort(struct parquet_writer *w)
{
	if (!w)
		return;
	if (w->file) {
		fclose(w->file);
		w->file = NULL;
	}
	unlink(w->tmp_path);
	free_writer(w);
}
