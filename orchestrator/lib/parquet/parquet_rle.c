/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The RLE/bit-packing hybrid encoder (see parquet_rle.h). */
#include "lib/parquet/parquet_rle.h"

#include <stdbool.h>

/* The values, as 8-bit levels or 32-bit dictionary indices. */
struct rle_input {
	const uint8_t *u8;
	const uint32_t *u32;
	size_t count;
	unsigned bit_width;
};

static uint32_t value_at(const struct rle_input *in, size_t i)
{
	if (i >= in->count)
		return 0; /* the padding of the last bit-packed group */
	return in->u8 ? in->u8[i] : in->u32[i];
}

/* Appends bit_width bits of each value, LSB first, into whole bytes. */
static void pack_values(struct byte_buf *out, const struct rle_input *in, size_t start,
			size_t count)
{
	uint64_t bits = 0;
	unsigned held = 0;

	for (size_t i = 0; i < count; i++) {
		bits |= (uint64_t)value_at(in, start + i) << held;
		held += in->bit_width;
		while (held >= 8) {
			byte_buf_u8(out, (uint8_t)bits);
			bits >>= 8;
			held -= 8;
		}
	}
	if (held > 0)
		byte_buf_u8(out, (uint8_t)bits);
}

/* A bit-packed run of `count` values (a multiple of 8, or the last run). */
static void bit_packed_run(struct byte_buf *out, const struct rle_input *in, size_t start,
			   size_t count)
{
	size_t groups = (count + 7) / 8;

	if (count == 0)
		return;
	byte_buf_uleb128(out, (uint64_t)groups << 1 | 1);
	pack_values(out, in, start, groups * 8);
}

static void rle_run(struct byte_buf *out, uint32_t value, size_t count, unsigned bit_width)
{
	byte_buf_uleb128(out, (uint64_t)count << 1);
	for (unsigned byte = 0; byte < (bit_width + 7) / 8; byte++)
		byte_buf_u8(out, (uint8_t)(value >> (8 * byte)));
}

/* Walks the values: a run of 8 or more equal ones goes out as an RLE run,
 * after the literals before it (topped up from the run to whole groups of
 * 8, since only the last bit-packed run may be padded). */
static void encode(struct byte_buf *out, const struct rle_input *in)
{
	/* a run longer than this is split: run lengths are at most 2^31 - 1 */
	const size_t max_run = (size_t)1 << 30;
	size_t literal_start = 0, i = 0;

	while (i < in->count) {
		uint32_t value = value_at(in, i);
		size_t run = 1;

		while (i + run < in->count && run < max_run && value_at(in, i + run) == value)
			run++;
		if (run >= 8) {
			size_t literals = i - literal_start;
			size_t top_up = (8 - literals % 8) % 8;

			if (run - top_up >= 8) {
				bit_packed_run(out, in, literal_start, literals + top_up);
				rle_run(out, value, run - top_up, in->bit_width);
				i += run;
				literal_start = i;
				continue;
			}
		}
		i += run;
	}
	bit_packed_run(out, in, literal_start, in->count - literal_start);
}

void parquet_rle_encode_u32(struct byte_buf *out, const uint32_t *values, size_t count,
			    unsigned bit_width)
{
	struct rle_input in = { .u32 = values, .count = count, .bit_width = bit_width };

	encode(out, &in);
}

void parquet_rle_encode_u8(struct byte_buf *out, const uint8_t *values, size_t count,
			   unsigned bit_width)
{
	struct rle_input in = { .u8 = values, .count = count, .bit_width = bit_width };

	encode(out, &in);
}

void parquet_bitpack_bools(struct byte_buf *out, const uint8_t *values, size_t count)
{
	struct rle_input in = { .u8 = values, .count = count, .bit_width = 1 };

	pack_values(out, &in, 0, count);
}

unsigned parquet_bit_width(uint32_t max_value)
{
	unsigned width = 1;

	while (width < 32 && (max_value >> width) != 0)
		width++;
	return width;
}
