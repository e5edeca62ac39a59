/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every subcommand does the same way: error output, the config path.
 *
 * Tests: tests/cli/cli.sh, tests/cli/bad_configs.sh (the binary: usage
 * errors, exit codes). */
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
struct setting_origin;
struct run_dir;
struct run_session;
struct run_session_spec;
/* The runs directory, absolute: $SCALABLE_RUNS_DIR, else the site or user
 * defaults' runs_dir (config_defaults.h), else ./.scalable/runs; *origin
 * (when origin is not NULL; its file is the caller's to free) says which.
 * NULL with err set on failure (a bad defaults file: exit 2). */
char *cli_runs_root(struct setting_origin *origin, struct error *err);
/* The run spec names (NULL: the latest) under cli_runs_root. */
int cli_find_run(const char *spec, struct run_dir **run, struct error *err);
/* run_session_attach under cli_runs_root (spec->runs_root is not kept). */
int cli_attach(struct run_session_spec *spec, struct run_session **s, struct error *err);

#endif
