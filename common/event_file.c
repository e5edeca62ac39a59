/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading one event file of events/ (see event_file.h). */
#include "event_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


const char *event_file_refused_type(unsigned char d_type)
{
	switch (d_type) {
	case DT_LNK:  return "a symbolic link, not followed";
	case DT_FIFO: return "a FIFO";
	case DT_SOCK: return "a socket";
	case DT_DIR:  return "a directory";
	case DT_CHR:
	case DT_BLK:  return "a device";
	default:      return NULL;  /* DT_REG, DT_UNKNOWN: opened, then fstat */
	}
}

static const char *refused_mode(mode_t mode)
{
	if (S_ISREG(mode))
		return NULL;
	if (S_ISFIFO(mode))
		return event_file_refused_type(DT_FIFO);
	if (S_ISSOCK(mode))
		return event_file_refused_type(DT_SOCK);
	if (S_ISDIR(mode))
		return event_file_refused_type(DT_DIR);
	return S_ISCHR(mode) || S_ISBLK(mode) ? event_file_refused_type(DT_CHR)
					      : "not a regular file";
}

/* An fd of name, never through a link and never blocking (a FIFO with no
 * writer, a device); -2 gone, -1 an error of ours, -3 refused (p->why),
 * -4 an error that may pass (the file waits for the next poll). */
static int open_file(int dirfd, const char *name, struct event_file_pass *p, struct stat *st)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	const char *why;

	if (fd < 0) {
		int e = errno;

		if (e == ENOENT || e == EMFILE || e == ENFILE || e == ENOMEM)
			return e == ENOENT ? -2 : -1;
		if (e != ELOOP && e != EACCES && e != EPERM && e != ENXIO && e != ENODEV &&
		    e != EOPNOTSUPP && e != EISDIR && e != ETXTBSY)
			return -4;  /* EIO, ESTALE...: a filesystem's trouble, not the entry's */
		snprintf(p->why, sizeof p->why, "%s",
			 e == ELOOP ? "a symbolic link, not followed" : strerror(e));
		return -3;
	}
	if (fstat(fd, st) != 0) {
		close(fd);
		return -4;
	}
	if ((why = refused_mode(st->st_mode)) != NULL) {
		snprintf(p->why, sizeof p->why, "%s", why);
		close(fd);
		return -3;
	}
	return fd;
}

static int ensure_buffer(struct event_file_pass *p, size_t need)
{
	size_t cap = *p->buf_cap ? *p->buf_cap : EVENT_FILE_READ_CHUNK;
	char *buf;

	if (need <= *p->buf_cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (!(buf = realloc(*p->buf, cap)))
		return -1;
	*p->buf = buf;
	*p->buf_cap = cap;
	return 0;
}

static bool is_end(json_t *event)
{
	const char *what = json_string_value(json_object_get(event, "event"));

	return what && !strcmp(what, "end");
}

/* Hands each complete line of buf[0..len) on; returns the bytes consumed
 * (up to the last newline). */
static size_t dispatch_lines(struct event_file *f, const char *buf, size_t len,
			     struct event_file_pass *p)
{
	size_t consumed = 0;

	while (consumed < len && !p->stop) {
		const char *line = buf + consumed, *nl = memchr(line, '\n', len - consumed);
		size_t line_len;
		json_t *event;

		if (!nl)
			break;
		line_len = (size_t)(nl - line);
		consumed += line_len + 1;
		if (line_len == 0)
			continue;
		/* flags 0: invalid UTF-8 and NUL bytes (raw or \u0000) are errors */
		event = json_loadb(line, line_len, 0, NULL);
		if (!json_is_object(event) || event_name_forged(&f->id, event) ||
		    (p->top && event_name_forged_dir(p->top, p->leaf, event))) {
			p->forged += json_is_object(event);
			p->bad_lines++;
			json_decref(event);
			continue;
		}
		p->count++;
		if (is_end(event))
			f->ended = true;
		p->stop = p->handler(f->name, event, p->ctx);
		json_decref(event);
	}
	return consumed;
}

/* pread of up to want bytes at at; the bytes read (0 at an error). */
static size_t read_at(int fd, char *buf, size_t want, off_t at)
{
	size_t got = 0;

	while (got < want) {
		ssize_t n = pread(fd, buf + got, want - got, at + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* Reads f from its offset to size, at most EVENT_LINE_MAX + 1 bytes at a
 * time: a partial last line shorter than that waits for its newline; a
 * longer one refuses the file (1): a writer never writes one, and finding
 * its end could mean reading a sparse terabyte. */
static int read_new(struct event_file *f, int fd, off_t size, struct event_file_pass *p)
{
	while (f->offset < size && !p->stop) {
		off_t pending = size - f->offset;
		size_t want = pending > EVENT_LINE_MAX ? EVENT_LINE_MAX + 1 : (size_t)pending;
		size_t got, used;

		if (ensure_buffer(p, want) != 0)
			return -1;
		if ((got = read_at(fd, *p->buf, want, f->offset)) == 0)
			break;
		used = dispatch_lines(f, *p->buf, got, p);
		if (used == 0 && got > EVENT_LINE_MAX) {
			p->bad_lines++;
			snprintf(p->why, sizeof p->why, "a line longer than %d bytes at byte %lld",
				 EVENT_LINE_MAX, (long long)f->offset);
			return 1;
		}
		if (used == 0)
			break;
		f->offset += (off_t)used;
	}
	return 0;
}

int event_file_read(struct event_file *f, int dirfd, struct event_file_pass *p)
{
	struct stat st;
	int fd = open_file(dirfd, f->name, p, &st), rc;

	if (fd < 0)
		return fd == -3 ? 1 : fd == -4 ? 0 : fd;
	p->opened = true;
	rc = st.st_size > f->offset ? read_new(f, fd, st.st_size, p) : 0;
	close(fd);
	return rc;  /* 1 from read_new: refused as well */
}
