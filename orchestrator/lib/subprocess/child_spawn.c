/* The posix_spawn set-up every child of scalable shares (child_spawn.h). */
#include "lib/subprocess/child_spawn.h"

#include <fcntl.h>
#include <signal.h>
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
