/* Shared subcommand plumbing (see cli.h). */
#include "cmd/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/exit_codes.h"
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

bool cli_run_operand(const char *command, int argc, char **argv, int first, bool latest,
		     const char **run)
{
	if (argc - first > 1) {
		cli_usage_error(command, "one run at most, got '%s' and '%s'", argv[first],
				argv[first + 1]);
		return false;
	}
	if (latest && first < argc) {
		cli_usage_error(command, "give a run or --latest, not both");
		return false;
	}
	if (!latest && first == argc) {
		cli_usage_error(command, "which run? give its id (see scalable runs) or --latest");
		return false;
	}
	*run = latest ? NULL : argv[first];
	return true;
}

/* Whether dir (named without a '/') holds a run, so names a run by path. */
static bool holds_run(const char *dir)
{
	char *path;
	bool yes;

	if (strchr(dir, '/') || asprintf(&path, "%s/run.json", dir) < 0)
		return false;
	yes = access(path, F_OK) == 0;
	free(path);
	return yes;
}

int cli_find_run(const char *spec, struct run_dir **run, struct error *err)
{
	char *root = runs_dir_default(), *path = NULL;
	int rc;

	if (!root || (spec && holds_run(spec) && asprintf(&path, "./%s", spec) < 0)) {
		free(root);
		error_system(err, "cannot find the run");
		return -1;
	}
	if (!spec)
		rc = run_dir_latest(root, run, err);
	else
		rc = run_dir_find(root, path ? path : spec, run, err);
	free(path);
	free(root);
	return rc;
}

bool cli_run_selection(const char *command, int argc, char **argv, int first, int given,
		       const char **run)
{
	if (argc - first > 1) {
		cli_usage_error(command, "one run at most, got '%s' and '%s'", argv[first],
				argv[first + 1]);
		return false;
	}
	if (first < argc) {
		given++;
		*run = argv[first];
	}
	if (given > 1) {
		cli_usage_error(command, "give one of --latest, --run-id ID or DIR");
		return false;
	}
	return true;
}
