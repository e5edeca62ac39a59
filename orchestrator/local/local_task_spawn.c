/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Spawning a local array task with posix_spawn. */
#include "local/local_task_spawn.h"
#include "lib/subprocess/child_spawn.h"
#include "lib/util/make_dirs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434   /* the same number on every architecture */
#endif

int local_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Starts argv with the output file open as output_fd. */
static int spawn_with_output(char *const argv[], char *const env[], int output_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int rc = child_spawn_attributes(&attr);

	if (rc != 0)
		return rc;
	rc = child_spawn_file_actions(&fa, output_fd, output_fd);
	if (rc == 0) {
		rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, env);
		posix_spawn_file_actions_destroy(&fa);
	}
	posix_spawnattr_destroy(&attr);
	return rc;
}

int local_task_spawn(char *const argv[], char *const env[], const char *output_path,
		     bool want_pidfd, struct local_spawned *out)
{
	const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY;
	int fd = open(output_path, flags, 0644), rc;

	/* Its directory is made by the first task that needs it: one open per
	 * task, not a mkdir per level. */
	if (fd < 0 && errno == ENOENT) {
		if (make_parent_dirs(output_path, 0755) != 0)
			return errno;
		fd = open(output_path, flags, 0644);
	}
	if (fd < 0)
		return errno;
	rc = spawn_with_output(argv, env, fd, &out->pid);
	if (rc != 0) {
		close(fd);
		return rc;
	}
	out->output_fd = fd;
	out->pidfd = want_pidfd ? local_pidfd_open(out->pid) : -1;
	return 0;
}
