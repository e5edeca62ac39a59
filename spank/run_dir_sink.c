/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "run_dir_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool_append.h"

struct append_request {
	const char *run_dir;
	const char *dir;     /* "events" or "events/<subdir>" */
	const char *file_name;
	const char *line;
	size_t len;
};

bool run_dir_is_plausible(const char *text)
{
	size_t len = strlen(text);
	if (len == 0 || len >= PATH_MAX || text[0] != '/')
		return false;
	for (const char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return strstr(text, "/../") == NULL && (len < 3 || strcmp(text + len - 3, "/..") != 0);
}

/* Runs in the child, already the job user: events/ and each level of the
 * subdirectory are created if absent and must be real directories (never
 * a symlink), the file must not be a symlink. */
static int append_as_user(void *arg)
{
	const struct append_request *req = arg;
	int run_fd = open(req->run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (run_fd < 0)
		return errno;
	int events_fd = spool_dir_open_at(run_fd, req->dir, 0755);
	int e = errno;
	close(run_fd);
	if (events_fd < 0)
		return e;
	int fd = spool_open_at(events_fd, req->file_name, 0644);
	e = errno;
	close(events_fd);
	if (fd < 0)
		return e;
	int rc = spool_append_line(fd, req->line, req->len);
	e = errno;
	if (close(fd) != 0 && rc == 0) /* NFS reports write errors at close */
		return errno;
	return rc == 0 ? 0 : e;
}

enum child_result run_dir_append(const struct job_identity *who, const char *run_dir,
				 const char *subdir, const char *file_name, const char *line,
				 size_t len, int timeout_ms, int *err)
{
	char dir[128];
	int n = snprintf(dir, sizeof dir, "events%s%s", subdir && *subdir ? "/" : "",
			 subdir ? subdir : "");
	if (n < 0 || (size_t)n >= sizeof dir) {
		*err = ENAMETOOLONG;
		return CHILD_FAILED;
	}
	struct append_request req = { run_dir, dir, file_name, line, len };
	return run_in_child(who, timeout_ms, append_as_user, &req, err);
}
