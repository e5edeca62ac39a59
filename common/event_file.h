/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One event file of a directory read by event_reader (event_reader.h): how
 * it is opened (never through a symbolic link, never blocking: anything but
 * a regular file is refused), and how its complete lines are handed on
 * (a line longer than EVENT_LINE_MAX refuses its file, the lines before it
 * read: finding its end could mean reading a sparse terabyte). The files of events/ are
 * writable by the job user, so anything can be there (issue 11).
 * Tests: common/test/test_event_hostile.c. */
#ifndef SCALABLE_EVENT_FILE_H
#define SCALABLE_EVENT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "event_name.h"
#include "event_reader.h"

/* A step event is under 2 KB: a line 512 times that is not one. */
#define EVENT_LINE_MAX (1024 * 1024)
/* What the reader's buffer starts at, and is given back to after a long
 * line (event_reader.c). */
#define EVENT_FILE_READ_CHUNK 65536

struct event_file {
	char *name;
	struct event_name id;  /* what its name says its lines are */
	off_t offset;        /* first byte not yet consumed */
	bool ended;          /* its end event was read, or it was refused: never opened again */
	bool refused;        /* not a file the reader reads (why: event_reader_refused) */
	bool active;         /* in the active list: opened at every poll */
	bool dirty;          /* in the dirty list: the watch said it changed */
};

/* One pass over one file: where its lines go and what it found. */
struct event_file_pass {
	event_handler handler;
	void *ctx;
	const char *top, *leaf;  /* the file is in events/<top>/<leaf>/ (layout 2), or NULL */
	char **buf;          /* the reader's buffer, grown up to EVENT_LINE_MAX + 1 */
	size_t *buf_cap;
	long count;          /* events handled */
	int stop;            /* the handler asked to stop */
	size_t bad_lines;    /* lines skipped (forged ones included) */
	size_t forged;       /* lines skipped for claiming another step (event_name.h) */
	bool opened;
	char why[128];       /* when refused: why */
};

/* Reads what is new in f (in dirfd). Returns 0; -2 when it is not there; 1
 * when it is refused for good (p->why says why: not a regular file, not
 * to be opened, or a line longer than EVENT_LINE_MAX); -1 on an error of the
 * reader's own (out of memory or of descriptors). An error reading it that
 * may pass (EIO, ESTALE...) leaves it for the next poll. */
int event_file_read(struct event_file *f, int dirfd, struct event_file_pass *p);

/* Why an entry of this d_type (dirent.h) is refused without opening it, or
 * NULL when it may be a regular file. */
const char *event_file_refused_type(unsigned char d_type);

#endif
