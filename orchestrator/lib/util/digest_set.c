/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A set of sha256 digests (see digest_set.h). */
#include "lib/util/digest_set.h"

#include <stdlib.h>
#include <string.h>

/* A digest is uniform already: its first 8 bytes make a good slot. */
static size_t slot_of(const unsigned char *digest, size_t capacity)
{
	uint64_t h = 0;

	for (int i = 0; i < 8; i++)
		h = h << 8 | digest[i];
	return (size_t)(h & (capacity - 1));
}

/* The slot holding digest, or the free slot where it would go. */
static size_t probe(const struct digest_set *set, const unsigned char *digest)
{
	size_t i = slot_of(digest, set->capacity);

	while (set->slots[i].used && memcmp(set->slots[i].digest, digest, SHA256_DIGEST_SIZE))
		i = (i + 1) & (set->capacity - 1);
	return i;
}

const struct digest_entry *digest_set_find(const struct digest_set *set,
					   const unsigned char digest[SHA256_DIGEST_SIZE])
{
	size_t i;

	if (!set->capacity)
		return NULL;
	i = probe(set, digest);
	return set->slots[i].used ? &set->slots[i] : NULL;
}

/* Doubles the table (1024 slots at first); -1 when out of memory. */
static int grow(struct digest_set *set)
{
	struct digest_set bigger = { .capacity = set->capacity ? set->capacity * 2 : 1024 };

	if (!(bigger.slots = calloc(bigger.capacity, sizeof *bigger.slots)))
		return -1;
	for (size_t i = 0; i < set->capacity; i++)
		if (set->slots[i].used)
			bigger.slots[probe(&bigger, set->slots[i].digest)] = set->slots[i];
	bigger.count = set->count;
	free(set->slots);
	*set = bigger;
	return 0;
}

int digest_set_put(struct digest_set *set, const unsigned char digest[SHA256_DIGEST_SIZE],
		   uint32_t value)
{
	struct digest_entry *e;

	if ((set->count + 1) * 2 > set->capacity && grow(set) != 0)
		return -1;
	e = &set->slots[probe(set, digest)];
	if (!e->used) {
		memcpy(e->digest, digest, SHA256_DIGEST_SIZE);
		e->used = true;
		set->count++;
	}
	e->value = value;
	return 0;
}

void digest_set_free(struct digest_set *set)
{
	free(set->slots);
	memset(set, 0, sizeof *set);
}

/* The value of one hex digit, or -1. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool digest_from_hex(const char *text, unsigned char digest[SHA256_DIGEST_SIZE])
{
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		int hi = hex_value(text[2 * i]), lo = hi < 0 ? -1 : hex_value(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		digest[i] = (unsigned char)(hi << 4 | lo);
	}
	return text[2 * SHA256_DIGEST_SIZE] == '\0';
}
