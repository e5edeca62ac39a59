/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON summaries of a config (see config_json.h). */
#include "config/config_json.h"

#include "scenarios/scenarios.h"

json_t *scenarios_summary_json(const struct scenario_set *set)
{
	json_t *names = json_array();

	for (size_t p = 0; names && p < scenarios_param_count(set); p++)
		json_array_append_new(names, json_string(scenarios_param_name(set, p)));
	return json_pack("{s:s, s:I, s:o}", "kind", scenarios_kind_name(scenarios_kind(set)),
			 "count", (json_int_t)scenarios_count(set), "parameters", names);
}

json_t *components_summary_json(const struct config *config)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < config->n_components; i++) {
		const struct component *c = &config->components[i];
		json_t *entry = json_pack("{s:s, s:s?, s:s?, s:i, s:I, s:I}",
					  "name", c->name, "template", c->template_path,
					  "command", c->command, "cpus", (int)c->cpus,
					  "memory_bytes", (json_int_t)c->memory_bytes,
					  "walltime_s", (json_int_t)c->walltime_s);

		/* added, when it packs: K or "auto", and how many at once */
		if (entry && c->pack != 1)
			json_object_update_new(entry, json_pack(
				"{s:o, s:I}", "pack", c->pack ? json_integer(c->pack)
							       : json_string("auto"),
				"pack_parallel", (json_int_t)c->pack_parallel));
		json_array_append_new(list, entry);
	}
	return list;
}

static json_t *targets_json(const struct config *config)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < config->n_targets; i++) {
		const struct target *t = &config->targets[i];

		json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:i}",
						      "name", t->name, "provider",
						      provider_name(t->provider), "partition",
						      t->partition, "account", t->account, "qos",
						      t->qos, "throttle", (int)t->throttle));
	}
	return list;
}

json_t *config_summary_json(const struct config *config)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:s}", "project", config->project,
			 "scenarios", scenarios_summary_json(config->scenarios),
			 "components", components_summary_json(config),
			 "targets", targets_json(config), "default_target",
			 config->targets[config->default_target].name);
}
