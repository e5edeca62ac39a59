/* Shared subcommand plumbing (see cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

#include "exit_codes.h"

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
