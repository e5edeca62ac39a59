#include "event_reader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK 65536

struct tracked_file {
	char *name;
	off_t offset;        /* first byte not yet consumed */
};

struct event_reader {
	char *dir;
	struct tracked_file *files;
	size_t n_files, cap_files;
	size_t bad_lines;
	char *buf;
	size_t buf_cap;
};

struct event_reader *event_reader_new(const char *dir)
{
	struct event_reader *r = calloc(1, sizeof(*r));
	if (!r || !(r->dir = strdup(dir))) {
		free(r);
		return NULL;
	}
	return r;
}

void event_reader_free(struct event_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_files; i++)
		free(r->files[i].name);
	free(r->files);
	free(r->buf);
	free(r->dir);
	free(r);
}

size_t event_reader_bad_lines(const struct event_reader *r)
{
	return r->bad_lines;
}

/* The tracked entry for name, added at offset 0 when new; NULL on ENOMEM. */
static struct tracked_file *tracked(struct event_reader *r, const char *name)
{
	for (size_t i = 0; i < r->n_files; i++)
		if (!strcmp(r->files[i].name, name))
			return &r->files[i];
	if (r->n_files == r->cap_files) {
		size_t cap = r->cap_files ? r->cap_files * 2 : 64;
		struct tracked_file *files = realloc(r->files, cap * sizeof(*files));
		if (!files)
			return NULL;
		r->files = files;
		r->cap_files = cap;
	}
	struct tracked_file *f = &r->files[r->n_files];
	if (!(f->name = strdup(name)))
		return NULL;
	f->offset = 0;
	r->n_files++;
	return f;
}

static int ensure_buffer(struct event_reader *r, size_t need)
{
	if (need <= r->buf_cap)
		return 0;
	size_t cap = r->buf_cap ? r->buf_cap : READ_CHUNK;
	while (cap < need)
		cap *= 2;
	char *buf = realloc(r->buf, cap);
	if (!buf)
		return -1;
	r->buf = buf;
	r->buf_cap = cap;
	return 0;
}

/* Hands each complete line of buf[0..len) to the handler; returns the bytes
 * consumed (up to the last newline) and adds the events handled to *count. */
static size_t dispatch_lines(struct event_reader *r, const char *name, size_t len,
			     event_handler handler, void *ctx, long *count, int *stop)
{
	size_t consumed = 0;
	while (consumed < len && !*stop) {
		char *line = r->buf + consumed;
		char *nl = memchr(line, '\n', len - consumed);
		if (!nl)
			break;
		size_t line_len = (size_t)(nl - line);
		consumed += line_len + 1;
		if (line_len == 0)
			continue;
		json_t *event = json_loadb(line, line_len, 0, NULL);
		if (!json_is_object(event)) {
			r->bad_lines++;
			json_decref(event);
			continue;
		}
		(*count)++;
		*stop = handler(name, event, ctx);
		json_decref(event);
	}
	return consumed;
}

/* Reads what is new in one file; returns events handled or -1. */
static long poll_file(struct event_reader *r, int dirfd, struct tracked_file *f,
		      event_handler handler, void *ctx, int *stop)
{
	int fd = openat(dirfd, f->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat st;
	long count = 0;
	if (fstat(fd, &st) != 0 || st.st_size <= f->offset) {
		close(fd);
		return 0;
	}
	size_t pending = (size_t)(st.st_size - f->offset);
	if (ensure_buffer(r, pending + 1) != 0) {
		close(fd);
		return -1;
	}
	size_t got = 0;
	while (got < pending) {
		ssize_t n = pread(fd, r->buf + got, pending - got, f->offset + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	f->offset += (off_t)dispatch_lines(r, f->name, got, handler, ctx, &count, stop);
	return count;
}

static int is_event_file(const char *name)
{
	size_t len = strlen(name);
	return name[0] != '.' && len > 6 && !strcmp(name + len - 6, ".jsonl");
}

long event_reader_poll(struct event_reader *r, event_handler handler, void *ctx)
{
	int dirfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return -1;
	}
	long total = 0;
	int stop = 0;
	struct dirent *e;
	while (!stop && (e = readdir(d)) != NULL) {
		if (!is_event_file(e->d_name))
			continue;
		struct tracked_file *f = tracked(r, e->d_name);
		long n = f ? poll_file(r, dirfd, f, handler, ctx, &stop) : -1;
		if (n < 0) {
			total = -1;
			break;
		}
		total += n;
	}
	closedir(d);
	return total;
}
