/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "test/tmpdir.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *tmpdir_create(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *dir;
	if (asprintf(&dir, "%s/scalable-unit-XXXXXX", base) < 0 || !mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	chmod(dir, 0755);
	return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tmpdir_remove(char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static void make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

void tmpdir_write(const char *dir, const char *relpath, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, relpath);
	make_parents(path);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		abort();
	}
	fputs(text, f);
	fclose(f);
}

char *tmpdir_read(const char *dir, const char *relpath)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, relpath);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	return buf;
}

int tmpdir_count_lines(const char *dir, const char *relpath)
{
	char *text = tmpdir_read(dir, relpath);
	if (!text)
		return -1;
	int n = 0;
	for (char *p = text; *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}
