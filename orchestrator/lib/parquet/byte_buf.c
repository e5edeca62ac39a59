/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable byte buffer (see byte_buf.h). */
#include "lib/parquet/byte_buf.h"

#include <stdlib.h>
#include <string.h>

bool byte_buf_reserve(struct byte_buf *b, size_t n)
{
	size_t capacity;
	uint8_t *data;

	if (b->failed)
		return false;
	if (n <= b->capacity - b->len)
		return true;
	if (n > SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return false;
	}
	capacity = b->capacity ? b->capacity : 256;
	while (capacity - b->len < n)
		capacity *= 2;
	if (!(data = realloc(b->data, capacity))) {
		b->failed = true;
		return false;
	}
	b->data = data;
	b->capacity = capacity;
	return true;
}

void byte_buf_put(struct byte_buf *b, const void *bytes, size_t n)
{
	if (n == 0 || !byte_buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, bytes, n);
	b->len += n;
}

void byte_buf_u8(struct byte_buf *b, uint8_t value)
{
	if (byte_buf_reserve(b, 1))
		b->data[b->len++] = value;
}

void byte_buf_u32le(struct byte_buf *b, uint32_t value)
{
	uint8_t bytes[4];

	for (int i = 0; i < 4; i++)
		bytes[i] = (uint8_t)(value >> (8 * i));
	byte_buf_put(b, bytes, sizeof bytes);
}

void byte_buf_u64le(struct byte_buf *b, uint64_t value)
{
	uint8_t bytes[8];

	for (int i = 0; i < 8; i++)
		bytes[i] = (uint8_t)(value >> (8 * i));
	byte_buf_put(b, bytes, sizeof bytes);
}

void byte_buf_uleb128(struct byte_buf *b, uint64_t value)
{
	uint8_t bytes[10];
	size_t n = 0;

	do {
		bytes[n] = value & 0x7f;
		value >>= 7;
		if (value)
			bytes[n] |= 0x80;
		n++;
	} while (value);
	byte_buf_put(b, bytes, n);
}

void byte_buf_clear(struct byte_buf *b)
{
	b->len = 0;
	b->failed = false;
}

void byte_buf_free(struct byte_buf *b)
{
	free(b->data);
	*b = (struct byte_buf){ 0 };
}
