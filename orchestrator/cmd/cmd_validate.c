/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable validate [FILE] [--json]: check a config and summarise it. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "cmd/config_settings.h"
#include "config/config_file.h"
#include "config/config_json.h"
#include "lib/util/exit_codes.h"
#include "scenarios/scenarios.h"
#include "units.h"

static const char help[] =
	"usage: scalable validate [FILE] [--json]\n"
	"\n"
	"Checks FILE (default: ./scalable.yaml): every key and type, sizes and\n"
	"walltimes, the scenario set (and its CSV file), each component's template\n"
	"and placeholders, retry policies and classify rules. Prints a short\n"
	"summary, and where each value the site and user defaults may give came\n"
	"from (runs_dir, each slurm target's account, partition and qos, notify's\n"
	"webhook and timeout): the project's file:line, the user defaults\n"
	"($SCALABLE_USER_DEFAULTS, else ~/.config/scalable/defaults.yaml), the site\n"
	"defaults ($SCALABLE_SITE_DEFAULTS, else /etc/scalable/defaults.yaml), or\n"
	"built-in. Writes nothing.\n"
	"\n"
	"  --json      print the summary as JSON (\"settings\": where values came from)\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit codes: 0 valid; 2 invalid, with one line on stderr:\n"
	"  scalable: FILE:LINE:COLUMN: error: WHAT (expected ...)\n"
	"(the same for an error in a defaults file); 3 the file cannot be read.\n";

/* One line per component: name, resources, template. */
static void print_components(const struct config *config)
{
	for (size_t i = 0; i < config->n_components; i++) {
		const struct component *c = &config->components[i];
		char memory[32] = "default", walltime[32] = "default";

		if (c->memory_bytes)
			units_format_size(c->memory_bytes, memory, sizeof memory);
		if (c->walltime_s)
			units_format_walltime(c->walltime_s, walltime, sizeof walltime);
		printf("  component  %s: %u cpu%s, memory %s, walltime %s, template %s",
		       c->name, c->cpus, c->cpus == 1 ? "" : "s", memory, walltime,
		       c->template_path ? c->template_path : "(built-in default)");
		if (c->pack == 0)
			printf(", pack auto (%llus / %llus), %u at once",
			       (unsigned long long)c->pack_time_s,
			       (unsigned long long)c->scenario_time_s, c->pack_parallel);
		else if (c->pack > 1)
			printf(", pack %u, %u at once", c->pack, c->pack_parallel);
		putchar('\n');
	}
}

static void print_summary(const char *path, const struct config *config,
			  const json_t *settings)
{
	const struct scenario_set *set = config->scenarios;

	printf("%s: valid\n", path);
	printf("  project    %s\n", config->project);
	printf("  scenarios  %zu (%s", scenarios_count(set),
	       scenarios_kind_name(scenarios_kind(set)));
	for (size_t p = 0; p < scenarios_param_count(set); p++)
		printf("%s%s", p ? ", " : ": ", scenarios_param_name(set, p));
	printf(")\n");
	print_components(config);
	for (size_t i = 0; i < config->n_targets; i++)
		printf("  target     %s: %s%s\n", config->targets[i].name,
		       provider_name(config->targets[i].provider),
		       i == config->default_target ? " (default)" : "");
	config_settings_print(stdout, settings);
}

static int print_json(const char *path, const struct config *config, json_t *settings)
{
	json_t *summary = config_summary_json(config);

	if (!summary || json_object_set_new(summary, "config", json_string(path)) != 0 ||
	    json_object_set_new(summary, "valid", json_true()) != 0 ||
	    json_object_set(summary, "settings", settings) != 0 ||
	    json_dumpf(summary, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		json_decref(summary);
		fprintf(stderr, "scalable: cannot print the summary\n");
		return SCALABLE_EXIT_SYSTEM;
	}
	putchar('\n');
	json_decref(summary);
	return SCALABLE_EXIT_OK;
}

/* The summary, with where the values defaults may give came from. */
static int summarise(const char *path, const struct config *config, bool json)
{
	struct setting_origin origin = { 0 };
	struct error err;
	char *runs_dir = cli_runs_root(&origin, &err);
	json_t *settings = runs_dir ? config_settings_json(config, runs_dir, &origin) : NULL;
	int rc = SCALABLE_EXIT_OK;

	if (!runs_dir)
		rc = cli_fail(&err);
	else if (!settings)
		rc = SCALABLE_EXIT_SYSTEM;
	else if (json)
		rc = print_json(path, config, settings);
	else
		print_summary(path, config, settings);
	json_decref(settings);
	free(origin.file);
	free(runs_dir);
	return rc;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *config;
	struct error err;
	const char *path;
	bool json = false;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		}
		if (opt != 'j')
			return cli_usage_error("validate", "bad option");
		json = true;
	}
	if (!(path = cli_config_path("validate", argc, argv, optind)))
		return SCALABLE_EXIT_USAGE;
	if (config_load_defaulted(path, &config, &err) != 0)
		return cli_fail(&err);
	rc = summarise(path, config, json);
	config_free(config);
	return rc;
}
