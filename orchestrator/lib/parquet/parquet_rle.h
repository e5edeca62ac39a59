/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parquet's RLE/bit-packing hybrid (Encodings.md, RLE = 3): runs of 8 or
 * more equal values as RLE runs, the rest bit-packed LSB first in groups of
 * 8 (the last group padded with zeros). No length prefix: the caller adds
 * one where the page kind needs it (definition levels in data page v1).
 * Also the plain bit-packing of booleans.
 * Tests: orchestrator/lib/parquet/test/test_parquet_rle.c. */
#ifndef SCALABLE_PARQUET_RLE_H
#define SCALABLE_PARQUET_RLE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/parquet/byte_buf.h"

/* Each value must fit in bit_width bits (1..32). */
void parquet_rle_encode_u32(struct byte_buf *out, const uint32_t *values, size_t count,
			    unsigned bit_width);
void parquet_rle_encode_u8(struct byte_buf *out, const uint8_t *values, size_t count,
			   unsigned bit_width);
/* Bits LSB first, 8 values a byte, the last byte padded with zeros: PLAIN
 * booleans (values are 0 or 1). */
void parquet_bitpack_bools(struct byte_buf *out, const uint8_t *values, size_t count);
/* The bits needed for values up to max_value, at least 1. */
unsigned parquet_bit_width(uint32_t max_value);

#endif
