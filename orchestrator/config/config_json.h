/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A loaded config summarised as JSON (`validate --json`, plan.json). */
#ifndef SCALABLE_CONFIG_JSON_H
#define SCALABLE_CONFIG_JSON_H

#include <jansson.h>

#include "config/config_file.h"

/* {"kind", "count", "parameters": [names]} */
json_t *scenarios_summary_json(const struct scenario_set *set);
/* [{"name", "template", "command", "cpus", "memory_bytes", "walltime_s"}] */
json_t *components_summary_json(const struct config *config);
/* {"project", "scenarios", "components", "targets", "default_target"} */
json_t *config_summary_json(const struct config *config);

#endif
