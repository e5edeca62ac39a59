/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replacing a file atomically (see atomic_file.h). */
#include "lib/util/atomic_file.h"
#include "lib/util/jsonl_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fsync_parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
			  : strdup(".");
	int fd, rc;

	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes tmp in full and makes it durable; returns 0 or -1 with errno. */
static int fill_durably(const char *tmp, mode_t mode, atomic_filler fill, void *ctx)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	FILE *file;
	int rc, saved;

	if (fd < 0)
		return -1;
	if (!(file = fdopen(fd, "w"))) {
		close(fd);
		return -1;
	}
	rc = fill(file, ctx);
	if (rc == 0 && (fflush(file) != 0 || fsync(fileno(file)) != 0))
		rc = -1;
	saved = errno;
	if (fclose(file) != 0 && rc == 0)
		return -1;
	errno = saved;
	return rc;
}

int atomic_write_with(const char *path, mode_t mode, atomic_filler fill, void *ctx,
		      struct error *err)
{
	char *tmp;
	int rc;

	if (asprintf(&tmp, "%s.tmp", path) < 0) {
		error_system(err, "cannot write %s", path);
		return -1;
	}
	rc = fill_durably(tmp, mode, fill, ctx);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc == 0)
		fsync_parent_dir(path);  /* best effort: the data itself is synced */
	else
		error_system(err, "cannot write %s", path);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

struct text_span {
	const char *text;
	size_t len;
};

static int fill_text(FILE *file, void *ctx)
{
	const struct text_span *span = ctx;

	return fwrite(span->text, 1, span->len, file) == span->len ? 0 : -1;
}

int atomic_write_text(const char *path, mode_t mode, const char *text, size_t len,
		      struct error *err)
{
	struct text_span span = { text, len };

	return atomic_write_with(path, mode, fill_text, &span, err);
}

static int fill_json(FILE *file, void *ctx)
{
	if (json_dumpf(ctx, file, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		       JSON_REAL_PRECISION(JSONL_REAL_DIGITS)) != 0)
		return -1;
	return fputc('\n', file) == EOF ? -1 : 0;
}

int atomic_write_json(const char *path, const json_t *json, struct error *err)
{
	return atomic_write_with(path, 0644, fill_json, (void *)json, err);
}
