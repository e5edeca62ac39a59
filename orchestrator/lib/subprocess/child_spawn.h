/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How every child scalable starts with posix_spawn is set up: the Slurm
 * commands (command_runner.c) and the local target's tasks
 * (local_task_spawn.c) start alike.
 *
 * Tests: orchestrator/lib/subprocess/test/test_command_runner.c (every
 * command runs through it). */
#ifndef SCALABLE_CHILD_SPAWN_H
#define SCALABLE_CHILD_SPAWN_H

#include <spawn.h>

/* Its own process group (so a timeout or cancel can end everything it
 * started), no blocked signals and default dispositions whatever the
 * orchestrator uses. Returns 0 or an errno value (nothing to destroy then). */
int child_spawn_attributes(posix_spawnattr_t *attr);
/* stdin from /dev/null, stdout to out_fd, stderr to err_fd, and (glibc 2.34
 * and later) no other descriptor. Returns 0 or an errno value. */
int child_spawn_file_actions(posix_spawn_file_actions_t *fa, int out_fd, int err_fd);
/* The program to execute: name itself when it holds a '/', else the first
 * executable file so named in PATH's directories (as execvp searches), in
 * *path (malloc'd). Looked up by us, not by posix_spawnp, so that a missing
 * program is reported as such wherever the spawn cannot tell (valgrind,
 * older C libraries), and so that a caller starting it many times searches
 * once. Returns 0 or an errno value. */
int child_find_program(const char *name, char **path);

#endif
