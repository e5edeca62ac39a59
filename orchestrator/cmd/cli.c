/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared subcommand plumbing (see cli.h). */
#include "cmd/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_defaults.h"
#include "lib/util/exit_codes.h"
#include "run/run_session.h"
#include "rundir/run_dir.h"
#include "units.h"

int cli_fail(const struct error *err)
{
	fprintf(stderr, "scalable: %s\n", err->text);
	return err->exit_code;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "scalable %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see scalable %s --help)\n", command);
	return SCALABLE_EXIT_USAGE;
}

const char *cli_config_path(const char *command, int argc, char **argv, int first)
{
	if (argc - first > 1) {
		cli_usage_error(command, "one config file at most, got '%s' and '%s'",
				argv[first], argv[first + 1]);
		return NULL;
	}
	return first < argc ? argv[first] : DEFAULT_CONFIG_PATH;
}

bool cli_poll_interval(const char *command, const char *text, unsigned *seconds)
{
	const char *why = NULL;
	uint64_t s;

	if (!units_parse_duration(text, &s, &why) || s == 0 || s > 86400) {
		cli_usage_error(command, "--poll-interval needs a duration from 1s to 24h, "
				"got '%s'%s%s", text, why ? ": " : "", why ? why : "");
		return false;
	}
	*seconds = (unsigned)s;
	return true;
}

char *cli_runs_root(struct setting_origin *origin, struct error *err)
{
	const char *env = getenv("SCALABLE_RUNS_DIR");
	struct setting_origin built_in = { SOURCE_BUILT_IN, NULL, 0 };
	struct config_defaults d;
	char *root;

	if (env && *env)
		built_in.source = SOURCE_ENVIRONMENT;
	else if (config_defaults_load(&d, err) != 0)
		return NULL;
	else if (d.value[DEFAULTS_RUNS_DIR]) {
		root = d.value[DEFAULTS_RUNS_DIR];
		d.value[DEFAULTS_RUNS_DIR] = NULL;
		if (origin) {
			*origin = d.origin[DEFAULTS_RUNS_DIR];
			d.origin[DEFAULTS_RUNS_DIR].file = NULL;
		}
		config_defaults_clear(&d);
		return root;
	} else {
		config_defaults_clear(&d);
	}
	if (origin)
		*origin = built_in;
	if (!(root = runs_dir_default()))
		error_system(err, "cannot find the runs directory");
	return root;
}

int cli_find_run(const char *spec, struct run_dir **run, struct error *err)
{
	char *root = cli_runs_root(NULL, err);
	int rc = root ? run_dir_resolve(root, spec, run, err) : -1;

	free(root);
	return rc;
}

int cli_attach(struct run_session_spec *spec, struct run_session **s, struct error *err)
{
	char *root = cli_runs_root(NULL, err);
	int rc;

	if (!root)
		return -1;
	spec->runs_root = root;
	rc = run_session_attach(spec, s, err);
	spec->runs_root = NULL;
	free(root);
	return rc;
}
