/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and appending JSONL files (see jsonl_file.h). */
#include "lib/util/jsonl_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/atomic_file.h"
#include "spool_append.h"

int jsonl_read_lines(const char *path, jsonl_line_handler handler, void *ctx,
		     size_t *skipped, struct error *err)
{
	FILE *file = fopen(path, "re");
	size_t ignored = 0, cap = 0;
	char *line = NULL;
	ssize_t len;
	int rc = 0;

	if (!skipped)
		skipped = &ignored;
	if (!file) {
		if (errno == ENOENT)
			return 0;
		error_system(err, "cannot read %s", path);
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &cap, file)) > 0) {
		if (line[len - 1] != '\n') {
			(*skipped)++;  /* torn by a crash mid-write */
			break;
		}
		if (len > 1)
			rc = handler(line, (size_t)len - 1, ctx);
	}
	if (rc == 0 && ferror(file)) {
		error_system(err, "cannot read %s", path);
		rc = -1;
	}
	free(line);
	fclose(file);
	return rc;
}

/* What jsonl_read hands each line over with. */
struct object_reader {
	jsonl_handler handler;
	void *ctx;
	size_t *skipped;
};

/* Hands one line to the handler when it is a JSON object. */
static int dispatch_line(const char *line, size_t len, void *ctx)
{
	struct object_reader *r = ctx;
	json_t *record = json_loadb(line, len, 0, NULL);
	int rc;

	if (!json_is_object(record)) {
		json_decref(record);
		(*r->skipped)++;
		return 0;
	}
	rc = r->handler(record, r->ctx);
	json_decref(record);
	return rc;
}

int jsonl_read(const char *path, jsonl_handler handler, void *ctx, size_t *skipped,
	       struct error *err)
{
	size_t ignored = 0;
	struct object_reader r = { handler, ctx, skipped ? skipped : &ignored };

	return jsonl_read_lines(path, dispatch_line, &r, r.skipped, err);
}

/* The size of the file up to and including its last newline; -1 on error. */
static off_t complete_size(int fd)
{
	char buf[4096];
	struct stat st;
	off_t end;

	if (fstat(fd, &st) != 0)
		return -1;
	for (end = st.st_size; end > 0;) {
		size_t take = end < (off_t)sizeof buf ? (size_t)end : sizeof buf;
		ssize_t n = pread(fd, buf, take, end - (off_t)take);

		if (n != (ssize_t)take)
			return -1;
		for (size_t i = take; i-- > 0;)
			if (buf[i] == '\n')
				return end - (off_t)take + (off_t)i + 1;
		end -= (off_t)take;
	}
	return 0;
}

/* Cuts off what follows the last newline (a record torn by a crash). */
static int drop_torn_tail(int fd)
{
	struct stat st;
	off_t keep = complete_size(fd);

	if (keep < 0 || fstat(fd, &st) != 0)
		return -1;
	return keep == st.st_size ? 0 : ftruncate(fd, keep);
}

int jsonl_open_append(const char *path, struct error *err)
{
	/* read-write: the tail is checked before appending */
	int fd = open(path, (SPOOL_OPEN_FLAGS & ~O_WRONLY) | O_RDWR, 0644);

	if (fd < 0) {
		error_system(err, "cannot open %s", path);
		return -1;
	}
	if (drop_torn_tail(fd) != 0) {
		error_system(err, "cannot cut the torn last line of %s", path);
		close(fd);
		return -1;
	}
	fsync_parent_dir(path);  /* a new file's name must outlive a crash too */
	return fd;
}

/* Cuts a failed write's fragment off again, keeping its errno. */
static void cut_back(int fd, off_t size)
{
	int saved = errno;

	(void)!ftruncate(fd, size);
	errno = saved;
}

int jsonl_append(int fd, const json_t *record, bool durable, const char *path,
		 struct error *err)
{
	char *text = json_dumps(record, JSON_COMPACT | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(JSONL_REAL_DIGITS));
	struct stat before;
	size_t len;
	int rc;

	if (!text) {
		errno = ENOMEM;
		error_system(err, "cannot format a record for %s", path);
		return -1;
	}
	len = strlen(text);
	text[len] = '\n';  /* over the NUL: the line goes out in one write */
	if (fstat(fd, &before) != 0)
		rc = -1;
	else if ((rc = spool_append_line(fd, text, len + 1)) != 0)
		cut_back(fd, before.st_size);
	if (rc == 0 && durable)
		rc = fdatasync(fd);
	if (rc != 0)
		error_system(err, "cannot append to %s", path);
	free(text);
	return rc;
}
