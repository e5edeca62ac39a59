/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Naming a run on the command line (run_ref.h). */
#include "cmd/run_ref.h"

#include <stddef.h>

#include "cmd/cli.h"

int run_ref_option(struct run_ref *ref, int opt, const char *arg)
{
	if (opt == 'l') {
		ref->latest = true;
	} else if (opt == 'r') {
		ref->run = arg;
	} else {
		return 0;
	}
	ref->given++;
	return 1;
}

bool run_ref_finish(const char *command, struct run_ref *ref, int argc, char **argv,
		    int first, bool default_latest, const char **run)
{
	if (argc - first > 1) {
		cli_usage_error(command, "one run at most, got '%s' and '%s'", argv[first],
				argv[first + 1]);
		return false;
	}
	if (first < argc) {
		ref->given++;
		ref->run = argv[first];
	}
	if (ref->given > 1) {
		cli_usage_error(command, "give one of RUN, --run-id RUN or --latest");
		return false;
	}
	if (ref->given == 0 && !default_latest) {
		cli_usage_error(command, "which run? give its id (see scalable runs), its "
				"directory, or --latest");
		return false;
	}
	*run = ref->latest ? NULL : ref->run;
	return true;
}
