/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A component's packing keys: pack (K or auto), pack_time, scenario_time,
 * pack_parallel (docs/scalable.yaml.5). */
#include <string.h>

#include "config/config_loader.h"

#define PACK_MAX 100000u

int load_pack(struct loader *L, const struct ynode *value, void *object)
{
	struct component *component = object;

	if (value->plain && !strcmp(value->text, "auto")) {
		component->pack = 0;
		return 0;
	}
	if (value->kind != YNODE_SCALAR || !value->plain)
		return fail_at(L, value, "expected an integer of at least 1 or 'auto' for pack, "
			       "got %s", ynode_describe(value));
	if (strspn(value->text, "0123456789") != strlen(value->text))
		return fail_at(L, value, "'%s' is not a pack (expected an integer of at least 1 "
			       "or 'auto')", value->text);
	return read_uint(L, value, 1, PACK_MAX, &component->pack);
}

/* The node of key in map, else map itself (where an error points). */
static const struct ynode *where(const struct ynode *map, const char *key)
{
	const struct ynode *node = ymap_get(map, key);

	return node ? node : map;
}

int check_pack(struct loader *L, const struct ynode *map, struct component *c)
{
	if (c->pack == 0 && c->scenario_time_s == 0)
		return fail_at(L, where(map, "pack"), "component '%s' has pack: auto but no "
			       "scenario_time (expected scenario_time: DURATION, what one "
			       "scenario takes, to choose how many to pack)", c->name);
	if (c->pack_parallel > c->cpus)
		return fail_at(L, where(map, "pack_parallel"), "pack_parallel %u is more than "
			       "the component's cpus (%u) (expected at most cpus: each scenario "
			       "of a pack running at once needs one)", c->pack_parallel, c->cpus);
	if (c->pack == 1 && c->pack_parallel > 1)
		return fail_at(L, where(map, "pack_parallel"), "pack_parallel without pack "
			       "(expected pack: K or pack: auto beside it)");
	return 0;
}
