/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cgroup_memory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SMALL_FILE_MAX 4096

/* Reads at most bufsz-1 bytes of a small cgroup file; returns length or -1. */
static ssize_t read_small_file(const char *dir, const char *name, char *buf, size_t bufsz)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	ssize_t n;
	do {
		n = read(fd, buf, bufsz - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* A file holding one number ("max" counts as unknown); returns it or -1. */
static int64_t read_number_file(const char *dir, const char *name)
{
	char buf[64];
	if (read_small_file(dir, name, buf, sizeof(buf)) <= 0)
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || end == buf || v > INT64_MAX)
		return -1;
	return (int64_t)v;
}

/* Finds "key N" in a flat-keyed cgroup file (memory.events, memory.oom_control). */
static int64_t read_keyed_number(const char *dir, const char *name, const char *key)
{
	char buf[SMALL_FILE_MAX];
	if (read_small_file(dir, name, buf, sizeof(buf)) <= 0)
		return -1;
	size_t keylen = strlen(key);
	for (char *line = buf; *line;) {
		if (!strncmp(line, key, keylen) && line[keylen] == ' ')
			return strtoll(line + keylen + 1, NULL, 10);
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return -1;
}

/* Copies path up to and including its "step_*" component into out; returns 0 or -1. */
static int step_prefix(const char *path, char *out, size_t outsz)
{
	const char *step = strstr(path, "/step_");
	if (!step)
		return -1;
	const char *end = strchr(step + 1, '/');
	size_t len = end ? (size_t)(end - path) : strlen(path);
	if (len >= outsz)
		return -1;
	memcpy(out, path, len);
	out[len] = '\0';
	return 0;
}

/* Returns the cgroup path of the line "ID:CONTROLLERS:PATH" if its controller
 * list contains want ("" for the v2 unified line), else NULL. */
static const char *line_path_for(const char *line, const char *want, char *buf, size_t bufsz)
{
	const char *c1 = strchr(line, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return NULL;
	size_t ctl_len = (size_t)(c2 - c1 - 1);
	bool match = false;
	if (!*want) {
		match = ctl_len == 0;
	} else {
		for (const char *p = c1 + 1; p < c2;) {
			const char *comma = memchr(p, ',', (size_t)(c2 - p));
			size_t len = comma ? (size_t)(comma - p) : (size_t)(c2 - p);
			if (len == strlen(want) && !strncmp(p, want, len))
				match = true;
			p += len + 1;
		}
	}
	if (!match)
		return NULL;
	const char *path = c2 + 1;
	size_t len = strcspn(path, "\n");
	if (len >= bufsz)
		return NULL;
	memcpy(buf, path, len);
	buf[len] = '\0';
	return buf;
}

/* Searches every line of text for the controller; returns 0 with the step path in out. */
static int find_step_path(const char *text, const char *controller, char *out, size_t outsz)
{
	char path[PATH_MAX];
	for (const char *line = text; line && *line;) {
		if (line_path_for(line, controller, path, sizeof(path)) &&
		    step_prefix(path, out, outsz) == 0)
			return 0;
		const char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : NULL;
	}
	return -1;
}

int cgroup_memory_locate(const char *proc_cgroup_text, const char *cgroup_root,
			 struct cgroup_memory_location *loc)
{
	char step[PATH_MAX];
	int n;
	if (find_step_path(proc_cgroup_text, "memory", step, sizeof(step)) == 0) {
		loc->version = 1;
		n = snprintf(loc->dir, sizeof(loc->dir), "%s/memory%s", cgroup_root, step);
	} else if (find_step_path(proc_cgroup_text, "", step, sizeof(step)) == 0) {
		loc->version = 2;
		n = snprintf(loc->dir, sizeof(loc->dir), "%s%s", cgroup_root, step);
	} else {
		return -1;
	}
	return (n < 0 || n >= (int)sizeof(loc->dir)) ? -1 : 0;
}

/* v1 counts OOM kills only in the cgroup whose limit was hit, so add up the
 * step and its direct children (task_N, slurm). */
static int64_t v1_oom_kills(const char *step_dir)
{
	int64_t total = read_keyed_number(step_dir, "memory.oom_control", "oom_kill");
	DIR *d = opendir(step_dir);
	if (!d)
		return total;
	struct dirent *e;
	char child[PATH_MAX];
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", step_dir, e->d_name) >= (int)sizeof(child))
			continue;
		int64_t kills = read_keyed_number(child, "memory.oom_control", "oom_kill");
		if (kills > 0)
			total = (total < 0 ? 0 : total) + kills;
	}
	closedir(d);
	return total;
}

/* v1 reports "no limit" as a huge page-rounded number; treat it as unknown. */
static int64_t v1_limit(const char *dir)
{
	int64_t limit = read_number_file(dir, "memory.limit_in_bytes");
	return (limit < 0 || limit >= (INT64_MAX / 2)) ? -1 : limit;
}

void cgroup_memory_read(const struct cgroup_memory_location *loc,
			struct cgroup_memory_sample *out)
{
	if (loc->version == 1) {
		out->peak_bytes = read_number_file(loc->dir, "memory.max_usage_in_bytes");
		out->oom_kill_count = v1_oom_kills(loc->dir);
		out->limit_bytes = v1_limit(loc->dir);
	} else {
		out->peak_bytes = read_number_file(loc->dir, "memory.peak");
		out->oom_kill_count = read_keyed_number(loc->dir, "memory.events", "oom_kill");
		out->limit_bytes = read_number_file(loc->dir, "memory.max");
	}
}

int cgroup_memory_locate_pid(pid_t pid, const char *cgroup_root,
			     struct cgroup_memory_location *loc)
{
	char proc[32], text[SMALL_FILE_MAX];
	if (pid > 0)
		snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	else
		snprintf(proc, sizeof(proc), "/proc/self");
	if (read_small_file(proc, "cgroup", text, sizeof(text)) <= 0)
		return -1;
	return cgroup_memory_locate(text, cgroup_root, loc);
}

void cgroup_memory_sample_self(const char *cgroup_root, struct cgroup_memory_sample *out)
{
	out->peak_bytes = out->oom_kill_count = out->limit_bytes = -1;
	struct cgroup_memory_location loc;
	if (cgroup_memory_locate_pid(0, cgroup_root, &loc) == 0)
		cgroup_memory_read(&loc, out);
}

/* The limit of dir, else of its parent when that is still the job's (Slurm
 * may set it on the job's cgroup alone). */
static int64_t limit_now(const struct cgroup_memory_location *loc)
{
	int64_t limit = loc->version == 1 ? v1_limit(loc->dir)
					  : read_number_file(loc->dir, "memory.max");
	if (limit >= 0)
		return limit;
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", loc->dir);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	const char *job = strstr(parent, "/job_");
	if (!job || strchr(job + 1, '/'))   /* the parent must be the job_* level itself */
		return -1;
	return loc->version == 1 ? v1_limit(parent) : read_number_file(parent, "memory.max");
}

int cgroup_memory_read_now(const struct cgroup_memory_location *loc,
			   struct cgroup_memory_now *out)
{
	*out = (struct cgroup_memory_now){ -1, -1, -1, -1, -1, -1, -1 };
	if (loc->version == 1) {
		out->current_bytes = read_number_file(loc->dir, "memory.usage_in_bytes");
		out->peak_bytes = read_number_file(loc->dir, "memory.max_usage_in_bytes");
		out->oom_kill_count = v1_oom_kills(loc->dir);
		out->max_count = read_number_file(loc->dir, "memory.failcnt");
	} else {
		out->current_bytes = read_number_file(loc->dir, "memory.current");
		out->peak_bytes = read_number_file(loc->dir, "memory.peak");
		out->oom_count = read_keyed_number(loc->dir, "memory.events", "oom");
		out->oom_kill_count = read_keyed_number(loc->dir, "memory.events", "oom_kill");
		out->max_count = read_keyed_number(loc->dir, "memory.events", "max");
		out->high_count = read_keyed_number(loc->dir, "memory.events", "high");
	}
	if (out->current_bytes < 0)
		return -1;
	out->limit_bytes = limit_now(loc);
	return 0;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

void cgroup_memory_merge(struct cgroup_memory_sample *acc, const struct cgroup_memory_sample *next)
{
	acc->peak_bytes = max64(acc->peak_bytes, next->peak_bytes);
	acc->oom_kill_count = max64(acc->oom_kill_count, next->oom_kill_count);
	if (next->limit_bytes >= 0)
		acc->limit_bytes = next->limit_bytes;
}
