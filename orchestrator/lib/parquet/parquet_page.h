/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A column chunk written out as pages: a dictionary page (PLAIN entries)
 * when the chunk is dictionary-encoded, then one data page v1 (definition
 * levels as the RLE/bit-packing hybrid behind a 4-byte length, then the
 * values: PLAIN, or a bit width and RLE dictionary indices). Each page is
 * a Thrift PageHeader and its body, the body compressed with zstd or not.
 * Tests: orchestrator/lib/parquet/test/test_parquet_writer.c,
 * tests/cli/parquet_reader.sh. */
#ifndef SCALABLE_PARQUET_PAGE_H
#define SCALABLE_PARQUET_PAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/parquet/byte_buf.h"
#include "lib/parquet/parquet_column.h"
#include "lib/parquet/parquet_writer.h"

/* Parquet's enum values that the writer uses. */
enum parquet_encoding {
	PARQUET_ENCODING_PLAIN = 0,
	PARQUET_ENCODING_RLE = 3,
	PARQUET_ENCODING_RLE_DICTIONARY = 8,
};
enum parquet_codec {
	PARQUET_CODEC_UNCOMPRESSED = 0,
	PARQUET_CODEC_ZSTD = 6,
};

/* The file being written, its offset, the first write error. */
struct parquet_sink {
	FILE *file;
	uint64_t offset;
	int error;                    /* errno of the first failure, 0 while none */
	enum parquet_compression compression;
	void *zstd_context;           /* ZSTD_CCtx, reused for every page */
	struct byte_buf body, packed, header; /* scratch, reused */
};

/* Where a chunk's pages went, for its ColumnMetaData. */
struct parquet_chunk_pages {
	bool has_dictionary;
	uint64_t dictionary_page_offset;
	uint64_t data_page_offset;
	uint64_t uncompressed_size, compressed_size; /* page headers included */
};

int parquet_sink_init(struct parquet_sink *s, FILE *file, enum parquet_compression compression);
void parquet_sink_free(struct parquet_sink *s);
/* Appends bytes to the file; -1 once any write failed (s->error says why). */
int parquet_sink_write(struct parquet_sink *s, const void *bytes, size_t n);
enum parquet_codec parquet_sink_codec(const struct parquet_sink *s);

/* Writes the column's chunk; 0, or -1 with s->error set. */
int parquet_write_chunk(struct parquet_sink *s, const struct parquet_column *c,
			struct parquet_chunk_pages *pages);

#endif
