/* Spawning a local array task with posix_spawn. */
#include "local_task_spawn.h"

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

/* mkdir -p of the directory part of path; returns 0 or an errno value. */
static int make_parent_dirs(const char *path)
{
	char *copy = strdup(path);
	int rc = 0;

	if (!copy)
		return ENOMEM;
	for (char *p = strchr(copy + 1, '/'); p && rc == 0; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST)
			rc = errno;
		*p = '/';
	}
	free(copy);
	return rc;
}

/* What the child starts with: its own group, no blocked or caught signals. */
static int init_attributes(posix_spawnattr_t *attr)
{
	sigset_t none, all;
	int rc = posix_spawnattr_init(attr);

	if (rc != 0)
		return rc;
	sigemptyset(&none);
	sigfillset(&all);
	rc = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					    POSIX_SPAWN_SETSIGDEF);
	rc = rc ? rc : posix_spawnattr_setpgroup(attr, 0);
	rc = rc ? rc : posix_spawnattr_setsigmask(attr, &none);
	/* Dispositions the orchestrator ignores (SIGPIPE, say) would otherwise
	 * survive exec. */
	rc = rc ? rc : posix_spawnattr_setsigdefault(attr, &all);
	if (rc != 0)
		posix_spawnattr_destroy(attr);
	return rc;
}

/* stdin from /dev/null, stdout and stderr to output_fd, nothing else. */
static int init_file_actions(posix_spawn_file_actions_t *fa, int output_fd)
{
	int rc = posix_spawn_file_actions_init(fa);

	if (rc != 0)
		return rc;
	rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	rc = rc ? rc : posix_spawn_file_actions_adddup2(fa, output_fd, 1);
	rc = rc ? rc : posix_spawn_file_actions_adddup2(fa, output_fd, 2);
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
	/* A lock or pipe someone opened without O_CLOEXEC must not outlive us in a task. */
	rc = rc ? rc : posix_spawn_file_actions_addclosefrom_np(fa, 3);
#endif
	if (rc != 0)
		posix_spawn_file_actions_destroy(fa);
	return rc;
}

/* Starts argv with the output file open as output_fd. */
static int spawn_with_output(char *const argv[], char *const env[], int output_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int rc = init_attributes(&attr);

	if (rc != 0)
		return rc;
	rc = init_file_actions(&fa, output_fd);
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
	int rc = make_parent_dirs(output_path);
	int fd;

	if (rc != 0)
		return rc;
	fd = open(output_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOCTTY,
		  0644);
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
