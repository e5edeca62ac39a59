/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spool_append.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int spool_open_at(int dirfd, const char *name, int mode)
{
	struct stat st;
	int fd;
	do {
		fd = openat(dirfd, name, SPOOL_OPEN_FLAGS, mode);
	} while (fd < 0 && errno == EINTR);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* Creates (if missing) and opens the level name under dirfd. */
static int open_level(int dirfd, const char *name, int mode)
{
	int fd;

	if (!name[0] || !strcmp(name, ".") || !strcmp(name, "..")) {
		errno = EINVAL;
		return -1;
	}
	if (mkdirat(dirfd, name, (mode_t)mode) != 0 && errno != EEXIST)
		return -1;
	do {
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	return fd;
}

int spool_dir_open_at(int dirfd, const char *path, int mode)
{
	char copy[PATH_MAX], *level, *next;
	int fd = dirfd, saved;

	if (strlen(path) >= sizeof copy) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(copy, path);
	for (level = copy; level; level = next) {
		int sub;

		next = strchr(level, '/');
		if (next)
			*next++ = '\0';
		sub = open_level(fd, level, mode);
		saved = errno;
		if (fd != dirfd)
			close(fd);
		if (sub < 0) {
			errno = saved;
			return -1;
		}
		fd = sub;
	}
	return fd;
}

int spool_append_line(int fd, const char *line, size_t len)
{
	ssize_t n;
	do {
		n = write(fd, line, len);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	if (n > 0) {
		/* Full disk mid-line: end the fragment so readers can skip it. */
		(void)!write(fd, "\n", 1);
		errno = ENOSPC;
	}
	return -1;
}
