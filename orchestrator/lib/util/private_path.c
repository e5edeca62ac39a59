/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether a path is the caller's own and private (see private_path.h). */
#include "lib/util/private_path.h"

#include <string.h>
#include <unistd.h>

bool private_path(const char *path, struct stat *st)
{
	struct stat seen;

	if (lstat(path, &seen) != 0)
		memset(&seen, 0, sizeof seen);
	if (st)
		*st = seen;
	return seen.st_mode && !S_ISLNK(seen.st_mode) && seen.st_uid == getuid() &&
	       !(seen.st_mode & (S_IWGRP | S_IWOTH));
}
