/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `scalable validate` says of the values site and user defaults may
 * give (config_defaults.h): each one's value and where it came from.
 *
 *   [{"key", "value" (null: none), "source", "file", "line"}, ...]
 *
 * runs_dir first, then each slurm target's account, partition and qos,
 * then notify's webhook (only its scheme and host: the rest of such a URL
 * is often its secret) and timeout.
 *
 * Tests: tests/cli/defaults.sh. */
#ifndef SCALABLE_CONFIG_SETTINGS_H
#define SCALABLE_CONFIG_SETTINGS_H

#include <jansson.h>
#include <stdio.h>

#include "config/config_file.h"

/* The list above; runs_dir and its origin as cli_runs_root found them. */
json_t *config_settings_json(const struct config *config, const char *runs_dir,
			     const struct setting_origin *runs_origin);
/* The list as aligned text, one line each: key, value, where from. */
void config_settings_print(FILE *out, const json_t *settings);

#endif
