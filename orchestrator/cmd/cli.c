/* Shared subcommand plumbing (see cli.h). */
#include "cmd/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/exit_codes.h"
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

const char *cli_config_path(const char *command, int argc, char **argv, int optind)
{
	if (argc - optind > 1) {
		cli_usage_error(command, "one config file at most, got '%s' and '%s'",
				argv[optind], argv[optind + 1]);
		return NULL;
	}
	return optind < argc ? argv[optind] : DEFAULT_CONFIG_PATH;
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
