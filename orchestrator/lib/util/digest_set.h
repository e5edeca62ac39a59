/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A set of sha256 digests, each with a small number (open addressing,
 * linear probing, keyed by the digest's first 8 bytes): how cache keys are
 * looked up, 100,000 of them in a few megabytes. Entries are never removed. */
#ifndef SCALABLE_DIGEST_SET_H
#define SCALABLE_DIGEST_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

struct digest_entry {
	unsigned char digest[SHA256_DIGEST_SIZE];
	uint32_t value;
	bool used;
};

struct digest_set {
	struct digest_entry *slots;
	size_t capacity, count;
};

/* The entry for digest, or NULL. */
const struct digest_entry *digest_set_find(const struct digest_set *set,
					   const unsigned char digest[SHA256_DIGEST_SIZE]);
/* Adds digest with value, or sets the value of the one there; 0, or -1 when
 * out of memory. */
int digest_set_put(struct digest_set *set, const unsigned char digest[SHA256_DIGEST_SIZE],
		   uint32_t value);
void digest_set_free(struct digest_set *set);

/* Reads 64 hex digits (either case) into a digest; false when text is not that. */
bool digest_from_hex(const char *text, unsigned char digest[SHA256_DIGEST_SIZE]);

#endif
