/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkdir -p (see make_dirs.h). */
#include "lib/util/make_dirs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p of path[0..len). */
static int make_prefix(const char *path, size_t len, mode_t mode)
{
	char *copy = strndup(path, len);
	int rc = 0, saved = 0;

	if (!copy)
		return -1;
	for (char *p = copy + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char end = *p;

		*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST) {
			rc = -1;
			saved = errno;
		}
		*p = end;
		if (end == '\0')
			break;
	}
	free(copy);
	if (rc != 0)
		errno = saved;
	return rc;
}

int make_dirs(const char *path, mode_t mode)
{
	return make_prefix(path, strlen(path), mode);
}

int make_parent_dirs(const char *path, mode_t mode)
{
	const char *slash = strrchr(path, '/');

	return slash && slash != path ? make_prefix(path, (size_t)(slash - path), mode) : 0;
}
