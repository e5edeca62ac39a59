/* scalable sweep: (run by the sweeper job) one pass over a detached run.
 * Work in progress this session: the command is registered so that it has
 * its own file; until it is written it says so and exits 2. */
#include <stdio.h>

#include "commands.h"
#include "exit_codes.h"

int cmd_sweep(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "scalable: %s: not available in this build yet\n", argv[0]);
	return SCALABLE_EXIT_USAGE;
}
