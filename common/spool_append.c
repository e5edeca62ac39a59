#include "spool_append.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int spool_open_at(int dirfd, const char *name, int mode)
{
	int fd;
	do {
		fd = openat(dirfd, name, SPOOL_OPEN_FLAGS, mode);
	} while (fd < 0 && errno == EINTR);
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
