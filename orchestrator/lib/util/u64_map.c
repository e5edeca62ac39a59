/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Open-addressing map of 64-bit keys (see u64_map.h). */
#include "lib/util/u64_map.h"

#include <stdlib.h>

/* A 64-bit mix (splitmix64's finaliser): nearby keys land far apart. */
static size_t slot_of(uint64_t key, size_t capacity)
{
	key ^= key >> 30;
	key *= 0xbf58476d1ce4e5b9ULL;
	key ^= key >> 27;
	key *= 0x94d049bb133111ebULL;
	key ^= key >> 31;
	return (size_t)(key & (capacity - 1));
}

/* The slot holding key, or the free slot where it would go. */
static size_t probe(const struct u64_map *map, uint64_t key)
{
	size_t i = slot_of(key, map->capacity);

	while (map->values[i] && map->keys[i] != key)
		i = (i + 1) & (map->capacity - 1);
	return i;
}

void *u64_map_get(const struct u64_map *map, uint64_t key)
{
	return map->capacity ? map->values[probe(map, key)] : NULL;
}

static int grow(struct u64_map *map)
{
	struct u64_map bigger = { 0 };

	bigger.capacity = map->capacity ? map->capacity * 2 : 64;
	bigger.keys = malloc(bigger.capacity * sizeof *bigger.keys);
	bigger.values = calloc(bigger.capacity, sizeof *bigger.values);
	if (!bigger.keys || !bigger.values) {
		u64_map_free(&bigger);
		return -1;
	}
	for (size_t i = 0; i < map->capacity; i++) {
		if (map->values[i]) {
			size_t j = probe(&bigger, map->keys[i]);

			bigger.keys[j] = map->keys[i];
			bigger.values[j] = map->values[i];
		}
	}
	bigger.count = map->count;
	u64_map_free(map);
	*map = bigger;
	return 0;
}

int u64_map_put(struct u64_map *map, uint64_t key, void *value)
{
	size_t i;

	if ((map->count + 1) * 2 > map->capacity && grow(map) != 0)
		return -1;
	i = probe(map, key);
	if (!map->values[i])
		map->count++;
	map->keys[i] = key;
	map->values[i] = value;
	return 0;
}

void u64_map_free(struct u64_map *map)
{
	free(map->keys);
	free(map->values);
	map->keys = NULL;
	map->values = NULL;
	map->capacity = map->count = 0;
}
