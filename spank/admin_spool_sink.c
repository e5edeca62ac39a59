/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "admin_spool_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool_append.h"

struct spool_request {
	const char *spool_dir;
	uid_t uid;
	gid_t gid;
	const char *file_name;
	const char *line;
	size_t len;
};

/* A directory only root can change: owned by uid 0, no group/other write. */
static int check_root_only(int dirfd)
{
	struct stat st;
	if (fstat(dirfd, &st) != 0)
		return errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return EPERM;
	return 0;
}

/* Opens (creating) the per-user directory root:gid 0750 under spool_fd. */
static int open_user_dir(int spool_fd, uid_t uid, gid_t gid)
{
	char name[32];
	snprintf(name, sizeof(name), "%u", (unsigned)uid);
	if (mkdirat(spool_fd, name, 0750) == 0) {
		int fd = openat(spool_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && fchown(fd, 0, gid) != 0) {
			close(fd);
			return -1;
		}
		return fd;
	}
	if (errno != EEXIST)
		return -1;
	return openat(spool_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int append_as_root(void *arg)
{
	const struct spool_request *req = arg;
	int spool_fd = open(req->spool_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (spool_fd < 0)
		return errno;
	int rc = check_root_only(spool_fd);
	int user_fd = rc == 0 ? open_user_dir(spool_fd, req->uid, req->gid) : -1;
	if (rc == 0 && user_fd < 0)
		rc = errno;
	close(spool_fd);
	if (rc != 0)
		return rc;
	if ((rc = check_root_only(user_fd)) != 0) {
		close(user_fd);
		return rc;
	}
	int fd = spool_open_at(user_fd, req->file_name, 0640);
	rc = fd < 0 ? errno : 0;
	close(user_fd);
	if (fd < 0)
		return rc;
	rc = spool_append_line(fd, req->line, req->len) == 0 ? 0 : errno;
	close(fd);
	return rc;
}

enum child_result admin_spool_append(const char *spool_dir, uid_t uid, gid_t gid,
				     const char *file_name, const char *line, size_t len,
				     int timeout_ms, int *err)
{
	struct spool_request req = { spool_dir, uid, gid, file_name, line, len };
	return run_in_child(NULL, timeout_ms, append_as_root, &req, err);
}
