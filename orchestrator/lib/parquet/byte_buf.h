/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable byte buffer for the Parquet writer's pages and footer. An
 * allocation failure is remembered (`failed`) instead of being checked at
 * every append: the writer looks once, before it writes the bytes out.
 * Tests: orchestrator/lib/parquet/test/test_thrift_compact.c,
 * orchestrator/lib/parquet/test/test_parquet_rle.c. */
#ifndef SCALABLE_BYTE_BUF_H
#define SCALABLE_BYTE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct byte_buf {
	uint8_t *data;
	size_t len, capacity;
	bool failed; /* an append could not grow the buffer */
};

/* Makes room for n more bytes; false (and failed set) when it cannot. */
bool byte_buf_reserve(struct byte_buf *b, size_t n);
void byte_buf_put(struct byte_buf *b, const void *bytes, size_t n);
void byte_buf_u8(struct byte_buf *b, uint8_t value);
void byte_buf_u32le(struct byte_buf *b, uint32_t value);
void byte_buf_u64le(struct byte_buf *b, uint64_t value);
/* ULEB128, as Thrift's varints and the RLE run headers are written. */
void byte_buf_uleb128(struct byte_buf *b, uint64_t value);
/* Empties the buffer, keeping its memory (and forgetting a failure). */
void byte_buf_clear(struct byte_buf *b);
void byte_buf_free(struct byte_buf *b);

#endif
