/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The subcommands of `scalable`, one file each (cmd_<name>.c). Each takes
 * the arguments after its name (argv[0] is the command's name) and returns
 * an exit code from exit_codes.h.
 *
 * No test of its own: the table of subcommands; tests/cli/cli.sh and
 * tests/cli/man_pages.sh run every one. */
#ifndef SCALABLE_COMMANDS_H
#define SCALABLE_COMMANDS_H

int cmd_init(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_cancel(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_pack_exec(int argc, char **argv);

#endif
