/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The footer: FileMetaData in Thrift's compact protocol. Each row group's
 * metadata (its ColumnChunks with their ColumnMetaData and statistics) is
 * encoded when the row group is written, so only bytes are kept; at close
 * the schema (a root and one leaf per column, with logical and converted
 * types), num_rows, the row groups, created_by and the column orders.
 * Tests: orchestrator/lib/parquet/test/test_parquet_writer.c,
 * tests/cli/parquet_reader.sh. */
#ifndef SCALABLE_PARQUET_FOOTER_H
#define SCALABLE_PARQUET_FOOTER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/parquet/byte_buf.h"
#include "lib/parquet/parquet_column.h"
#include "lib/parquet/parquet_page.h"

struct parquet_footer {
	struct byte_buf row_groups;   /* the RowGroup structs written so far */
	size_t row_group_count;
	uint64_t num_rows;
	struct byte_buf chunks;       /* the current row group's ColumnChunk structs */
	uint64_t group_offset;        /* the current row group's first page */
	uint64_t group_uncompressed, group_compressed;
};

/* The chunk's ColumnChunk, into the current row group. */
void parquet_footer_add_chunk(struct parquet_footer *f, const struct parquet_column *c,
			      enum parquet_codec codec, const struct parquet_chunk_pages *pages);
/* Closes the current row group of `rows` rows over column_count chunks. */
void parquet_footer_end_row_group(struct parquet_footer *f, size_t column_count, uint64_t rows);
/* The FileMetaData into out. */
void parquet_footer_encode(const struct parquet_footer *f, const struct parquet_column *columns,
			   size_t column_count, const char *created_by, struct byte_buf *out);
void parquet_footer_free(struct parquet_footer *f);

#endif
