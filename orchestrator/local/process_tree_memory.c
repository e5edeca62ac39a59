/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Summing the RSS of process groups from /proc/<pid>/stat. */
#include "local/process_tree_memory.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Fields of /proc/<pid>/stat counted from the one after ")" (the state, field 3). */
#define STAT_PGRP_AFTER_COMM 2   /* field 5 */
#define STAT_RSS_AFTER_COMM 21   /* field 24, in pages */

int proc_stat_pgid_rss(const char *text, pid_t *pgid, uint64_t *rss_pages)
{
	/* comm may hold spaces and parentheses: the last ")" ends it. */
	const char *p = strrchr(text, ')');
	long long pg = -1;
	unsigned long long rss = 0;
	int field = 0;

	if (!p)
		return -1;
	for (p++; *p && field <= STAT_RSS_AFTER_COMM; field++) {
		char *end;

		while (*p == ' ')
			p++;
		if (field == STAT_PGRP_AFTER_COMM)
			pg = strtoll(p, &end, 10);
		else if (field == STAT_RSS_AFTER_COMM)
			rss = strtoull(p, &end, 10);
		while (*p && *p != ' ')
			p++;
	}
	if (field <= STAT_RSS_AFTER_COMM || pg <= 0)
		return -1;
	*pgid = (pid_t)pg;
	*rss_pages = rss;
	return 0;
}

/* Reads /proc/<name>/stat into buf; returns 0, or -1 (the process is gone). */
static int read_stat(int proc_fd, const char *name, char *buf, size_t size)
{
	char path[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/stat", name);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The entry for pgid, or NULL. */
static struct pgroup_rss *find_group(struct pgroup_rss *groups, size_t n, pid_t pgid)
{
	for (size_t i = 0; i < n; i++)
		if (groups[i].pgid == pgid)
			return &groups[i];
	return NULL;
}

/* Adds one /proc entry to its group, if it is a process of ours in one. */
static void add_process(int proc_fd, const char *name, uid_t uid, uint64_t page_size,
			struct pgroup_rss *groups, size_t n)
{
	struct pgroup_rss *g;
	struct stat st;
	char buf[1024];
	uint64_t pages;
	pid_t pgid;

	/* One fstatat skips other users' processes without opening them. */
	if (fstatat(proc_fd, name, &st, 0) != 0 || st.st_uid != uid)
		return;
	if (read_stat(proc_fd, name, buf, sizeof buf) != 0 ||
	    proc_stat_pgid_rss(buf, &pgid, &pages) != 0)
		return;
	g = find_group(groups, n, pgid);
	if (g) {
		g->rss_bytes += pages * page_size;
		g->nprocs++;
	}
}

int process_group_rss_scan(const char *proc_root, struct pgroup_rss *groups, size_t n)
{
	uint64_t page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	uid_t uid = geteuid();
	struct dirent *e;
	DIR *dir;

	for (size_t i = 0; i < n; i++) {
		groups[i].rss_bytes = 0;
		groups[i].nprocs = 0;
	}
	dir = opendir(proc_root);
	if (!dir)
		return -1;
	while ((e = readdir(dir)) != NULL)
		if (isdigit((unsigned char)e->d_name[0]))
			add_process(dirfd(dir), e->d_name, uid, page_size, groups, n);
	closedir(dir);
	return 0;
}
