/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interned strings (see struct dx_names in diagnose_impl.h): classes,
 * components and nodes become small ids, so a million records count into
 * arrays instead of comparing strings. */
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_scan.h"

/* FNV-1a: short names, few of them; enough spread for linear probing. */
static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* The slot holding s, or the free slot where it would go. */
static size_t slot_of(const struct dx_names *names, const char *s, size_t len)
{
	size_t mask = names->nslots - 1, i = (size_t)hash_bytes(s, len) & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t id = names->slots[i];
		const char *name;

		if (id == 0)
			return i;
		name = names->names[id - 1];
		/* strnlen first: s may hold a NUL, then the copy is shorter than len */
		if (strnlen(name, len + 1) == len && memcmp(name, s, len) == 0)
			return i;
	}
}

/* Doubles the slots (at half full) and places every name again. */
static int rehash(struct dx_names *names)
{
	size_t n = names->nslots ? names->nslots * 2 : 64;
	uint32_t *old = names->slots;
	size_t old_n = names->nslots;

	if (!(names->slots = calloc(n, sizeof *names->slots))) {
		names->slots = old;
		return -1;
	}
	names->nslots = n;
	for (size_t i = 0; i < old_n; i++) {
		if (old[i]) {
			const char *name = names->names[old[i] - 1];

			names->slots[slot_of(names, name, strlen(name))] = old[i];
		}
	}
	free(old);
	return 0;
}

uint32_t dx_names_find(const struct dx_names *names, const char *s, size_t len)
{
	uint32_t id;

	if (names->nslots == 0)
		return DX_NO_ID;
	id = names->slots[slot_of(names, s, len)];
	return id ? id - 1 : DX_NO_ID;
}

/* Appends a copy of s to the names; its id, or DX_NO_ID. */
static uint32_t append_name(struct dx_names *names, const char *s, size_t len)
{
	if (names->count == names->cap) {
		size_t cap = names->cap ? names->cap * 2 : 16;
		char **grown = realloc(names->names, cap * sizeof *grown);

		if (!grown)
			return DX_NO_ID;
		names->names = grown;
		names->cap = cap;
	}
	if (!(names->names[names->count] = strndup(s, len)))
		return DX_NO_ID;
	return (uint32_t)names->count++;
}

uint32_t dx_names_id(struct dx_names *names, const char *s, size_t len)
{
	uint32_t id = dx_names_find(names, s, len);

	if (id != DX_NO_ID)
		return id;
	if ((names->count + 1) * 2 > names->nslots && rehash(names) != 0)
		return DX_NO_ID;
	if ((id = append_name(names, s, len)) == DX_NO_ID)
		return DX_NO_ID;
	names->slots[slot_of(names, s, len)] = id + 1;
	return id;
}

void dx_names_free(struct dx_names *names)
{
	for (size_t i = 0; i < names->count; i++)
		free(names->names[i]);
	free(names->names);
	free(names->slots);
	memset(names, 0, sizeof *names);
}

uint32_t dx_intern(struct dx_names *names, struct jspan value, bool *oom)
{
	const char *raw;
	size_t raw_len, n;
	char buf[DX_NAME_MAX];
	uint32_t id;

	/* An absent field is {NULL, 0}: no arithmetic on it before this check. */
	if (!jscan_is_string(value) || value.len == 2)
		return DX_NO_ID;
	raw = value.p + 1;
	raw_len = value.len - 2;
	/* the same name as last time (a run has few components): no lookup */
	if (raw_len == names->last_len && !memcmp(raw, names->last, raw_len))
		return names->last_id;
	if (raw_len < sizeof buf && !memchr(raw, '\\', raw_len)) {
		id = dx_names_id(names, raw, raw_len);  /* nothing to decode */
	} else {
		if (!jscan_string(value, buf, sizeof buf, &n) || n == 0 || memchr(buf, '\0', n))
			return DX_NO_ID;
		id = dx_names_id(names, buf, n);
	}
	if (id == DX_NO_ID) {
		*oom = true;
	} else if (raw_len < sizeof names->last) {
		memcpy(names->last, raw, raw_len);
		names->last_len = raw_len;
		names->last_id = id;
	}
	return id;
}
