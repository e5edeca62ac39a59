/* SPDX-License-Identifier: GPL-2.0-or-later */
/* This program's absolute path (see self_exe.h). */
#include "lib/util/self_exe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DELETED " (deleted)"

char *self_exe_from_link(const char *link, char *why, size_t why_len)
{
	size_t len = strlen(link), tail = strlen(DELETED);
	char *path;

	if (link[0] != '/') {
		snprintf(why, why_len, "cannot find the scalable program: /proc/self/exe "
			 "reads '%s'", link);
		return NULL;
	}
	/* a file really named so is taken as it is */
	if (len <= tail || strcmp(link + len - tail, DELETED) != 0 || access(link, X_OK) == 0)
		return strdup(link);
	if (!(path = strndup(link, len - tail)))
		return NULL;
	if (access(path, X_OK) == 0)
		return path;
	snprintf(why, why_len, "the scalable program was %s, which has been removed "
		 "since (uninstalled?), and nothing runnable is there now", path);
	free(path);
	return NULL;
}

char *self_exe_path(char *why, size_t why_len)
{
	char link[PATH_MAX + sizeof DELETED];
	ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);

	if (n <= 0 || (size_t)n >= sizeof link - 1) {
		snprintf(why, why_len, "cannot find the scalable program (/proc/self/exe): %s",
			 n < 0 ? strerror(errno) : "too long");
		return NULL;
	}
	link[n] = '\0';
	return self_exe_from_link(link, why, why_len);
}
