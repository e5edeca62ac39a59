/* Parsing the options run and submit share (run_options.h). */
#include "run_options.h"

#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "exit_codes.h"

int run_options_parse(const char *command, const char *help, int argc, char **argv,
		      struct run_options *o)
{
	static const struct option options[] = {
		{ "target", required_argument, NULL, 't' },
		{ "no-cache", no_argument, NULL, 'n' },
		FOLLOW_COMMAND_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "ht:", options, NULL)) != -1) {
		int shared = follow_command_option(command, opt, optarg, &o->follow);

		if (shared != 0) {
			if (shared < 0)
				return SCALABLE_EXIT_USAGE;
			continue;
		}
		switch (opt) {
		case 'h':
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		case 't':
			o->target = optarg;
			break;
		case 'n':
			o->no_cache = true;
			break;
		default:
			return cli_usage_error(command, "bad option");
		}
	}
	if (!(o->path = cli_config_path(command, argc, argv, optind)))
		return SCALABLE_EXIT_USAGE;
	return -1;
}
