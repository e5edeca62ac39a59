/* The options `scalable run` and `scalable submit` share: [FILE]
 * [--target NAME] [--no-cache] [--poll-interval DUR] [--json]. */
#ifndef SCALABLE_RUN_OPTIONS_H
#define SCALABLE_RUN_OPTIONS_H

#include <stdbool.h>

#include "follow_command.h"

struct run_options {
	const char *path, *target;      /* target NULL: the config's default */
	bool no_cache;
	struct follow_command follow;   /* json and poll_interval_s */
};

/* Reads argv for command; prints help on --help. Returns -1 to go on, else
 * the exit code to stop with (0 after --help, 2 on bad usage). */
int run_options_parse(const char *command, const char *help, int argc, char **argv,
		      struct run_options *o);

#endif
