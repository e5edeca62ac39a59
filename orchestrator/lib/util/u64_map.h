/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A map from 64-bit keys to pointers (open addressing, linear probing):
 * what the tracker finds its attempts by. Entries are never removed. */
#ifndef SCALABLE_U64_MAP_H
#define SCALABLE_U64_MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64_map {
	uint64_t *keys;
	void **values;        /* NULL marks a free slot: values are never NULL */
	size_t capacity, count;
};

/* The value for key, or NULL. */
void *u64_map_get(const struct u64_map *map, uint64_t key);
/* Sets key to value (non-NULL), replacing any; 0, or -1 when out of memory. */
int u64_map_put(struct u64_map *map, uint64_t key, void *value);
void u64_map_free(struct u64_map *map);

#endif
