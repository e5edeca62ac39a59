/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The posix_spawn set-up every child of scalable shares (child_spawn.h). */
#include "lib/subprocess/child_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int child_spawn_attributes(posix_spawnattr_t *attr)
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

int child_spawn_file_actions(posix_spawn_file_actions_t *fa, int out_fd, int err_fd)
{
	int rc = posix_spawn_file_actions_init(fa);

	if (rc != 0)
		return rc;
	rc = posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	rc = rc ? rc : posix_spawn_file_actions_adddup2(fa, out_fd, STDOUT_FILENO);
	rc = rc ? rc : posix_spawn_file_actions_adddup2(fa, err_fd, STDERR_FILENO);
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
	/* A lock or pipe someone opened without O_CLOEXEC must not outlive us in a child. */
	rc = rc ? rc : posix_spawn_file_actions_addclosefrom_np(fa, 3);
#endif
	if (rc != 0)
		posix_spawn_file_actions_destroy(fa);
	return rc;
}

/* True when path is an executable regular file; else errno says why. */
static bool executable_file(const char *path)
{
	struct stat st;

	if (access(path, X_OK) != 0 || stat(path, &st) != 0)
		return false;
	if (!S_ISREG(st.st_mode))
		errno = EACCES;
	return S_ISREG(st.st_mode);
}

int child_find_program(const char *name, char **path)
{
	const char *dir = getenv("PATH") ? getenv("PATH") : "/bin:/usr/bin";
	int why = ENOENT;

	if (strchr(name, '/'))
		return (*path = strdup(name)) ? 0 : ENOMEM;
	for (;;) {
		size_t len = strcspn(dir, ":");

		if (asprintf(path, "%.*s/%s", len ? (int)len : 1, len ? dir : ".", name) < 0)
			return ENOMEM;
		if (executable_file(*path))
			return 0;
		if (errno == EACCES)
			why = EACCES;  /* found, but not executable: as execvp reports it */
		free(*path);
		*path = NULL;
		if (!dir[len])
			return why;
		dir += len + 1;
	}
}
