/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A table as a Parquet file (lib/parquet/parquet_writer.h): each column of
 * its own type (timestamps as TIMESTAMP(MILLIS, UTC)), nullable where the
 * table says so, zstd pages. */
#include <stdlib.h>
#include <string.h>

#include "export/export_impl.h"
#include "lib/parquet/parquet_writer.h"

static const enum parquet_column_type parquet_types[] = {
	[EX_INT64] = PARQUET_COLUMN_INT64, [EX_DOUBLE] = PARQUET_COLUMN_DOUBLE,
	[EX_BOOL] = PARQUET_COLUMN_BOOLEAN, [EX_STRING] = PARQUET_COLUMN_STRING,
	[EX_TIMESTAMP] = PARQUET_COLUMN_TIMESTAMP,
};

static void set_cell(struct parquet_writer *w, size_t col, const struct ex_cell *c,
		     enum ex_type type)
{
	if (c->null) {
		parquet_set_null(w, col);
		return;
	}
	switch (type) {
	case EX_INT64: parquet_set_int64(w, col, c->i); break;
	case EX_DOUBLE: parquet_set_double(w, col, c->d); break;
	case EX_BOOL: parquet_set_bool(w, col, c->b); break;
	case EX_STRING: parquet_set_string(w, col, c->s, strlen(c->s)); break;
	case EX_TIMESTAMP: parquet_set_timestamp_ms(w, col, c->i); break;
	}
}

static int write_rows(struct parquet_writer *w, const struct ex_table *t, struct error *err)
{
	struct ex_cell *cells = calloc(t->n_columns ? t->n_columns : 1, sizeof *cells);

	if (!cells) {
		error_system(err, "cannot export the %s table", t->name);
		return -1;
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		t->row(t, r, cells);
		for (size_t c = 0; c < t->n_columns; c++)
			set_cell(w, c, &cells[c], t->columns[c].type);
		if (parquet_end_row(w, err) != 0) {
			free(cells);
			return -1;
		}
	}
	free(cells);
	return 0;
}

int ex_write_parquet(const char *path, const struct ex_table *t, struct error *err)
{
	struct parquet_column_spec *spec = calloc(t->n_columns ? t->n_columns : 1, sizeof *spec);
	struct parquet_options opts = { .compression = PARQUET_COMPRESSION_ZSTD,
					.created_by = "scalable export" };
	struct parquet_writer *w;

	if (!spec) {
		error_system(err, "cannot write %s", path);
		return -1;
	}
	for (size_t c = 0; c < t->n_columns; c++)
		spec[c] = (struct parquet_column_spec){ t->columns[c].name,
							parquet_types[t->columns[c].type],
							t->columns[c].nullable };
	w = parquet_writer_open(path, spec, t->n_columns, &opts, err);
	free(spec);
	if (!w)
		return -1;
	if (write_rows(w, t, err) != 0) {
		parquet_writer_abort(w);
		return -1;
	}
	return parquet_writer_close(w, err);
}
