/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan.json (see plan_json.h). */
#include "plan/plan_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_json.h"
#include "units.h"

#define PLAN_SCHEMA_VERSION 1

static json_t *string_array(char *const *items)
{
	json_t *array = json_array();

	for (; array && items && *items; items++)
		json_array_append_new(array, json_string(*items));
	return array;
}

/* NAME=VALUE strings as an object. */
static json_t *env_object(char *const *env)
{
	json_t *object = json_object();

	for (; object && env && *env; env++) {
		const char *eq = strchr(*env, '=');
		char *name = strndup(*env, (size_t)(eq - *env));

		if (name)
			json_object_set_new(object, name, json_string(eq + 1));
		free(name);
	}
	return object;
}

static json_t *resources_json(const struct resources *r)
{
	char memory[32] = "", walltime[32] = "";

	if (r->memory_bytes)
		units_format_mem(r->memory_bytes, memory, sizeof memory);
	if (r->walltime_s)
		units_format_walltime(r->walltime_s, walltime, sizeof walltime);
	return json_pack("{s:i, s:I, s:s?, s:I, s:s?}", "cpus", (int)r->cpus,
			 "memory_bytes", (json_int_t)r->memory_bytes,
			 "memory", r->memory_bytes ? memory : NULL,
			 "walltime_s", (json_int_t)r->walltime_s,
			 "walltime", r->walltime_s ? walltime : NULL);
}

static json_t *chunk_json(const struct plan_group *g, const struct plan_chunk *c)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:o, s:o}", "array", c->array,
			 "array_tasks", (json_int_t)c->n_array, "offset", (json_int_t)c->offset,
			 "first_index", (json_int_t)g->tasks[c->first].index,
			 "last_index", (json_int_t)g->tasks[c->first + c->count - 1].index,
			 "tasks", (json_int_t)c->count, "tasks_file", c->tasks_path,
			 "argv", string_array(c->argv),
			 "env", env_object(c->env));
}

static json_t *group_json(const struct plan_group *g)
{
	json_t *chunks = json_array();

	for (size_t c = 0; chunks && c < g->n_chunks; c++)
		json_array_append_new(chunks, chunk_json(g, &g->chunks[c]));
	size_t array_tasks = 0;

	for (size_t c = 0; c < g->n_chunks; c++)
		array_tasks += g->chunks[c].n_array;
	return json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:s, s:o}", "name", g->name,
			 "component", g->component->name,
			 "resources", resources_json(&g->resources),
			 "begin_delay_s", (json_int_t)g->begin_delay_s,
			 "tasks", (json_int_t)g->n_tasks, "pack", (json_int_t)g->pack,
			 "pack_parallel", (json_int_t)g->pack_parallel,
			 "array_tasks", (json_int_t)array_tasks, "script", g->script_path,
			 "chunks", chunks);
}

/* retry.oom as the config gives it, for diagnose: added to plan.json. */
static json_t *oom_policy_json(const struct config *config)
{
	const struct retry_policy *oom = &config->retry[FAILURE_OOM];

	return json_pack("{s:{s:f, s:o}}", "oom", "memory_factor", oom->memory_factor,
			 "memory_cap_bytes", oom->memory_cap_bytes ?
			 json_integer((json_int_t)oom->memory_cap_bytes) : json_null());
}

/* The stages, when the config has more than one: each component's
 * upstreams (docs/scalable.yaml.5 "after"). */
json_t *plan_stages_json(const struct config *config)
{
	json_t *stages = json_array();

	for (unsigned st = 0; stages && st < config_stage_count(config); st++) {
		json_t *list = json_array();

		for (size_t i = 0; list && i < config->n_components; i++) {
			const struct component *c = &config->components[i];
			json_t *after;

			if (c->stage != st)
				continue;
			after = json_array();
			for (size_t k = 0; after && k < c->n_after; k++)
				json_array_append_new(after, json_string(
					config->components[c->after[k]].name));
			json_array_append_new(list, json_pack(
				"{s:s, s:o, s:b, s:s?}", "component", c->name, "after", after,
				"fan_in", c->fan_in, "when", c->fan_in ? fan_in_when_name(c->when)
								: NULL));
		}
		json_array_append_new(stages, json_pack("{s:i, s:o}", "stage", (int)st,
							"components", list));
	}
	return stages;
}

json_t *plan_to_json(const struct plan *plan)
{
	json_t *groups = json_array(), *json;
	size_t chunks = 0;

	for (size_t g = 0; groups && g < plan->n_groups; g++) {
		json_array_append_new(groups, group_json(&plan->groups[g]));
		chunks += plan->groups[g].n_chunks;
	}
	json = json_pack("{s:s, s:i, s:s, s:s, s:s, s:{s:s, s:s}, s:i, s:I, s:I, s:o, s:o, s:o}",
			 "event_type", "plan", "schema_version", PLAN_SCHEMA_VERSION,
			 "project", plan->config->project, "run_id", plan->run_id,
			 "wave", plan->wave, "target", "name", plan->target->name,
			 "provider", provider_name(plan->target->provider),
			 "max_array_size", (int)plan->max_array_size,
			 "max_queued", (json_int_t)plan->target->max_queued,
			 "submissions", (json_int_t)chunks,
			 "scenarios", scenarios_summary_json(plan->config->scenarios),
			 "components", components_summary_json(plan->config), "groups", groups);
	if (json)
		json_object_set_new(json, "retry", oom_policy_json(plan->config));
	/* added: only when there are stages, so plan.json of a sweep without stays as it was */
	if (json && config_stage_count(plan->config) > 1)
		json_object_set_new(json, "stages", plan_stages_json(plan->config));
	return json;
}

int plan_write_json(const struct plan *plan, const char *path, struct error *err)
{
	json_t *json = plan_to_json(plan);
	char *tmp = NULL;
	int rc = -1;

	if (json && asprintf(&tmp, "%s.tmp", path) >= 0) {
		rc = json_dump_file(json, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (rc == 0 && rename(tmp, path) != 0)
			rc = -1;
		if (rc != 0)
			remove(tmp);
	}
	if (rc != 0)
		error_system(err, "cannot write %s", path);
	free(tmp);
	json_decref(json);
	return rc;
}
