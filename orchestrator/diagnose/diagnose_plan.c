/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the config asked for, as plan.json recorded it when the run began
 * (see dx_read_plan): each component's memory request, and retry.oom's
 * memory_factor and memory_cap. A run without plan.json, or an older one
 * without its retry field, falls back to the first attempts' requests and
 * the built-in policy. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_loader.h"
#include "diagnose/diagnose_impl.h"

static void read_components(struct diagnosis *dx, const json_t *components)
{
	size_t i;
	const json_t *c;

	json_array_foreach(components, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		const json_t *memory = json_object_get(c, "memory_bytes");
		uint32_t id = name ? dx_names_find(&dx->components, name, strlen(name)) : DX_NO_ID;

		if (id != DX_NO_ID && id < dx->n_comps && json_is_integer(memory))
			dx->comps[id].configured_request = json_integer_value(memory);
	}
}

static void read_oom_policy(struct diagnosis *dx, const json_t *oom)
{
	const json_t *factor = json_object_get(oom, "memory_factor");
	const json_t *cap = json_object_get(oom, "memory_cap_bytes");

	if (json_is_number(factor) && json_number_value(factor) > 0)
		dx->memory_factor = json_number_value(factor);
	if (json_is_integer(cap) && json_integer_value(cap) > 0)
		dx->memory_cap = json_integer_value(cap);
}

void dx_read_plan(struct diagnosis *dx)
{
	struct retry_policy defaults[FAILURE_CLASS_COUNT];
	char *path = NULL;
	json_t *plan;

	retry_defaults(defaults);
	dx->memory_factor = defaults[FAILURE_OOM].memory_factor;
	dx->memory_cap = 0;  /* the built-in policy has none */
	for (size_t c = 0; c < dx->n_comps; c++)
		dx->comps[c].configured_request = -1;
	if (asprintf(&path, "%s/plan.json", dx->run_path) < 0)
		return;
	plan = json_load_file(path, 0, NULL);
	free(path);
	if (!json_is_object(plan)) {
		json_decref(plan);
		return;
	}
	read_components(dx, json_object_get(plan, "components"));
	read_oom_policy(dx, json_object_get(json_object_get(plan, "retry"), "oom"));
	json_decref(plan);
}

int64_t dx_configured_request(const struct diagnosis *dx, uint32_t c)
{
	if (c >= dx->n_comps)
		return 0;
	if (dx->comps[c].configured_request >= 0)
		return dx->comps[c].configured_request;
	return dx->comps[c].first_request;
}
