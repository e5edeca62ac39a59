/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cgroup_escape.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The length of path up to (not including) the component that starts the
 * job's part: "/uid_" in v1 (slurm/uid_N/job_N), else "/job_"; -1 if none. */
static int job_part_start(const char *path, size_t len)
{
	char copy[PATH_MAX];
	if (len >= sizeof(copy))
		return -1;
	memcpy(copy, path, len);
	copy[len] = '\0';
	const char *job = strstr(copy, "/job_");
	if (!job)
		return -1;
	const char *uid = strstr(copy, "/uid_");
	const char *start = uid && uid < job ? uid : job;
	return (int)(start - copy);
}

int cgroup_escape_target(const char *line, const char *cgroup_root, char *out, size_t outsz)
{
	const char *c1 = strchr(line, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return -1;
	const char *path = c2 + 1;
	size_t path_len = strcspn(path, "\n");
	int keep = job_part_start(path, path_len);
	if (keep < 0)
		return -1;
	const char *ctl = c1 + 1;
	int ctl_len = (int)(c2 - c1 - 1);
	int n;
	if (ctl_len == 0) {
		n = snprintf(out, outsz, "%s%.*s/system/cgroup.procs", cgroup_root, keep, path);
	} else {
		if (ctl_len > 5 && !strncmp(ctl, "name=", 5)) {
			ctl += 5;
			ctl_len -= 5;
		}
		n = snprintf(out, outsz, "%s/%.*s%.*s/cgroup.procs", cgroup_root, ctl_len, ctl,
			     keep, path);
	}
	return (n < 0 || (size_t)n >= outsz) ? -1 : 0;
}

static int move_into(const char *procs)
{
	int fd = open(procs, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	char pid[24];
	int len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	ssize_t n = write(fd, pid, (size_t)len);
	int rc = n == len ? 0 : -1;
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* True when the line "ID:CONTROLLERS:PATH" is the memory controller's (v1)
 * or the unified one (v2). */
static bool holds_memory(const char *line)
{
	const char *c1 = strchr(line, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return false;
	if (c2 == c1 + 1)
		return true;
	for (const char *p = c1 + 1; p < c2;) {
		size_t len = strcspn(p, ",:");
		if (len == 6 && !strncmp(p, "memory", 6))
			return true;
		p += len + 1;
	}
	return false;
}

int cgroup_escape_job(const char *text, const char *cgroup_root)
{
	int failed = 0;
	char procs[PATH_MAX], one[PATH_MAX];
	/* memory first: what matters most is not to be charged to the job */
	for (int pass = 0; pass < 2; pass++) {
		for (const char *line = text; line && *line;) {
			const char *this = line, *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			line = nl ? nl + 1 : NULL;
			if (len >= sizeof(one))
				continue;
			memcpy(one, this, len);
			one[len] = '\0';
			if (holds_memory(one) != (pass == 0))
				continue;
			if (cgroup_escape_target(one, cgroup_root, procs, sizeof(procs)) == 0 &&
			    move_into(procs) != 0)
				failed++;
		}
	}
	return failed;
}
