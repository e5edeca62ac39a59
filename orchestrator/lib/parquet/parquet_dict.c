/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A column chunk's string dictionary (see parquet_dict.h). */
#include "lib/parquet/parquet_dict.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a, 64 bits: short strings, no adversary. */
static uint64_t hash_bytes(const void *bytes, size_t len)
{
	const uint8_t *p = bytes;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

const uint8_t *parquet_dict_entry(const struct parquet_dict *d, uint32_t index, uint32_t *len)
{
	const uint8_t *at = d->plain.data + d->offsets[index];

	*len = (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
	       (uint32_t)at[3] << 24;
	return at + 4;
}

static int grow_slots(struct parquet_dict *d)
{
	size_t slot_count = d->slot_count ? d->slot_count * 2 : 1024;
	uint32_t *slots = calloc(slot_count, sizeof *slots);

	if (!slots)
		return -1;
	for (uint32_t i = 0; i < d->count; i++) {
		uint32_t len;
		const uint8_t *bytes = parquet_dict_entry(d, i, &len);
		size_t s = hash_bytes(bytes, len) & (slot_count - 1);

		while (slots[s])
			s = (s + 1) & (slot_count - 1);
		slots[s] = i + 1;
	}
	free(d->slots);
	d->slots = slots;
	d->slot_count = slot_count;
	return 0;
}

/* Appends a new entry; its index, or -1. */
static int64_t add_entry(struct parquet_dict *d, const void *bytes, size_t len, size_t slot)
{
	if (d->count == d->offsets_capacity) {
		size_t capacity = d->offsets_capacity ? d->offsets_capacity * 2 : 256;
		uint32_t *offsets = realloc(d->offsets, capacity * sizeof *offsets);

		if (!offsets)
			return -1;
		d->offsets = offsets;
		d->offsets_capacity = capacity;
	}
	d->offsets[d->count] = (uint32_t)d->plain.len;
	byte_buf_u32le(&d->plain, (uint32_t)len);
	byte_buf_put(&d->plain, bytes, len);
	if (d->plain.failed)
		return -1;
	d->slots[slot] = d->count + 1;
	return d->count++;
}

int64_t parquet_dict_index(struct parquet_dict *d, const void *bytes, size_t len)
{
	size_t s;

	/* the plain bytes are addressed by 32-bit offsets */
	if (len > UINT32_MAX - 4 || d->plain.len > UINT32_MAX - 4 - len)
		return -1;
	if (d->slot_count < 2 * ((size_t)d->count + 1) && grow_slots(d) != 0)
		return -1;
	s = hash_bytes(bytes, len) & (d->slot_count - 1);
	while (d->slots[s]) {
		uint32_t entry_len;
		const uint8_t *entry = parquet_dict_entry(d, d->slots[s] - 1, &entry_len);

		if (entry_len == len && memcmp(entry, bytes, len) == 0)
			return d->slots[s] - 1;
		s = (s + 1) & (d->slot_count - 1);
	}
	return add_entry(d, bytes, len, s);
}

void parquet_dict_clear(struct parquet_dict *d)
{
	byte_buf_clear(&d->plain);
	d->count = 0;
	if (d->slots)
		memset(d->slots, 0, d->slot_count * sizeof *d->slots);
}

void parquet_dict_free(struct parquet_dict *d)
{
	byte_buf_free(&d->plain);
	free(d->offsets);
	free(d->slots);
	*d = (struct parquet_dict){ 0 };
}
