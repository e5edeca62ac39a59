/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing the options run, submit, watch and resume share (run_options.h). */
#include "cmd/run_options.h"

#include <getopt.h>
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/run_ref.h"
#include "lib/util/exit_codes.h"
#include "run/run_session.h"

int run_options_parse(const char *command, const char *help, enum run_options_kind kind,
		      bool takes_no_cache, int argc, char **argv, struct run_options *o)
{
	static const struct option options[] = {
		{ "target", required_argument, NULL, 't' },
		RUN_REF_OPTIONS,
		{ "no-cache", no_argument, NULL, 'n' },
		FOLLOW_COMMAND_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_ref ref = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, kind == RUN_OPTIONS_CONFIG ? "ht:" : "h", options,
				  NULL)) != -1) {
		int shared = follow_command_option(command, opt, optarg, &o->follow);

		if (shared != 0) {
			if (shared < 0)
				return SCALABLE_EXIT_USAGE;
			continue;
		}
		/* one table for all: what this command does not take is refused */
		if ((opt == 't' && kind != RUN_OPTIONS_CONFIG) ||
		    ((opt == 'l' || opt == 'r') && kind != RUN_OPTIONS_RUN) ||
		    (opt == 'n' && !takes_no_cache))
			return cli_usage_error(command, "%s is not an option of %s",
					       argv[optind - 1], command);
		if (run_ref_option(&ref, opt, optarg))
			continue;
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
	if (kind == RUN_OPTIONS_CONFIG)
		return (o->path = cli_config_path(command, argc, argv, optind)) ? -1
										  : SCALABLE_EXIT_USAGE;
	return run_ref_finish(command, &ref, argc, argv, optind, false, &o->run)
		       ? -1 : SCALABLE_EXIT_USAGE;
}

int run_options_attach(const char *command, struct run_options *o, struct run_session **s)
{
	struct run_session_spec spec = { .command = command, .run = o->run };
	struct error err;

	if (!(o->follow.progress = follow_progress_new(o->follow.json)))
		return SCALABLE_EXIT_SYSTEM;
	spec.note = progress_note_cb;
	spec.note_ctx = o->follow.progress;
	if (cli_attach(&spec, s, &err) != 0) {
		progress_free(o->follow.progress);
		return cli_fail(&err);
	}
	return -1;
}
