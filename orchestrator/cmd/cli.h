/* What every subcommand does the same way: error output, the config path.
 *
 * Tests: tests/cli/cli.sh, tests/cli/bad_configs.sh (the binary: usage
 * errors, exit codes, run selection). */
#ifndef SCALABLE_CLI_H
#define SCALABLE_CLI_H

#include <stdbool.h>

#include "lib/util/error.h"

#define DEFAULT_CONFIG_PATH "scalable.yaml"

/* Prints "scalable: <error>" on stderr; returns the error's exit code. */
int cli_fail(const struct error *err);
/* Prints "scalable: <message>" on stderr; returns 2 (bad usage). */
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The config path among the operands left after options: the one given, or
 * scalable.yaml; NULL (with the error printed) when more than one is given. */
const char *cli_config_path(const char *command, int argc, char **argv, int first);

/* Reads --poll-interval's value ("30s", "2m", a plain number of seconds)
 * into *seconds; false (with the error printed) when it is not one. */
bool cli_poll_interval(const char *command, const char *text, unsigned *seconds);
/* The run a command is about: its one operand, or --latest (NULL); false
 * (with the error printed) when neither or both are given. */
bool cli_run_operand(const char *command, int argc, char **argv, int first, bool latest,
		     const char **run);

struct run_dir;
/* The run of diagnose and report's [--latest | --run-id ID | DIR]: spec is
 * a run id (unique prefix, 8-hex suffix) or a path, a bare directory name
 * holding run.json included; NULL: the latest under the runs directory
 * ($SCALABLE_RUNS_DIR, else ./.scalable/runs). Error exit code 5 when
 * there is no such run. */
int cli_find_run(const char *spec, struct run_dir **run, struct error *err);
/* The end of a [--latest | --run-id ID | DIR] selection (diagnose, report):
 * the DIR operand, if any, into *run; given counts --latest and --run-id
 * seen. False (the usage error printed) for two runs or more. */
bool cli_run_selection(const char *command, int argc, char **argv, int first, int given,
		       const char **run);

#endif
