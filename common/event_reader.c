/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "event_reader.h"
#include "dir_watch.h"
#include "event_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What says the directory has not changed since it was last listed. */
struct dir_stamp {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
	nlink_t nlink;
};

struct event_reader {
	char *dir;
	char *top, *leaf;    /* event_reader_in_layout2, or NULL */
	struct event_file *files;
	size_t n_files, cap_files;
	size_t *slots;       /* hash of names: index + 1 into files, 0 when empty */
	size_t n_slots;      /* a power of two, at least twice n_files */
	size_t *active;      /* indices of files neither ended nor gone */
	size_t n_active, cap_active;
	bool listed;         /* stamp and listed_* hold the last listing's */
	struct dir_stamp stamp;
	time_t listed_wall;
	struct timespec listed_mono;
	unsigned polls_since_listing;
	bool use_watch;      /* ask the kernel what changed (dir_watch.h) */
	bool watch_refused;  /* dir_watch_open said no: poll */
	struct dir_watch *watch;
	size_t *dirty;       /* files the watch named since the last poll */
	size_t n_dirty, cap_dirty;
	event_file_known known;  /* event_reader_skip_known */
	void *known_ctx;
	struct event_reader_stats stats;
	char *buf;
	size_t buf_cap, bad_lines, forged;
	size_t refused;      /* entries refused (event_file.h) */
	char first_refused[320];  /* "NAME: why" of the first */
};

struct event_reader *event_reader_new(const char *dir)
{
	struct event_reader *r = calloc(1, sizeof(*r));
	if (!r || !(r->dir = strdup(dir))) {
		free(r);
		return NULL;
	}
	r->use_watch = true;
	return r;
}

int event_reader_in_layout2(struct event_reader *r, const char *top, const char *leaf)
{
	free(r->top);
	free(r->leaf);
	r->top = strdup(top);
	r->leaf = strdup(leaf);
	return r->top && r->leaf ? 0 : -1;
}

void event_reader_skip_known(struct event_reader *r, event_file_known fn, void *ctx)
{
	r->known = fn;
	r->known_ctx = ctx;
}

void event_reader_watch(struct event_reader *r, bool on)
{
	r->use_watch = on;
	if (!on) {
		dir_watch_close(r->watch);
		r->watch = NULL;
	}
}

void event_reader_free(struct event_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_files; i++)
		free(r->files[i].name);
	free(r->files);
	free(r->slots);
	free(r->active);
	free(r->dirty);
	dir_watch_close(r->watch);
	free(r->buf);
	free(r->dir);
	free(r->top);
	free(r->leaf);
	free(r);
}

size_t event_reader_bad_lines(const struct event_reader *r)
{
	return r->bad_lines;
}

size_t event_reader_forged(const struct event_reader *r)
{
	return r->forged;
}

size_t event_reader_refused(const struct event_reader *r, const char **first)
{
	if (first)
		*first = r->refused ? r->first_refused : NULL;
	return r->refused;
}

void event_reader_stats(const struct event_reader *r, struct event_reader_stats *out)
{
	*out = r->stats;
	out->files = r->n_files;
	out->watched = r->watch != NULL;
}

/* FNV-1a. */
static size_t name_hash(const char *name)
{
	uint64_t h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 32));
}

/* The slot holding name, or the empty slot where it would go. */
static size_t *slot_of(const struct event_reader *r, const char *name)
{
	size_t mask = r->n_slots - 1;

	for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
		size_t *slot = &r->slots[i];

		if (*slot == 0 || !strcmp(r->files[*slot - 1].name, name))
			return slot;
	}
}

static int grow_slots(struct event_reader *r)
{
	size_t old_n = r->n_slots;
	size_t *old = r->slots;

	r->n_slots = old_n ? 2 * old_n : 128;
	r->slots = calloc(r->n_slots, sizeof *r->slots);
	if (!r->slots) {
		r->slots = old;
		r->n_slots = old_n;
		return -1;
	}
	for (size_t i = 0; i < old_n; i++)
		if (old[i])
			*slot_of(r, r->files[old[i] - 1].name) = old[i];
	free(old);
	return 0;
}

static int activate(struct event_reader *r, size_t index)
{
	if (r->n_active == r->cap_active) {
		size_t cap = r->cap_active ? 2 * r->cap_active : 64;
		size_t *grown = realloc(r->active, cap * sizeof *grown);

		if (!grown)
			return -1;
		r->active = grown;
		r->cap_active = cap;
	}
	r->active[r->n_active++] = index;
	r->files[index].active = true;
	return 0;
}

/* Remembers f as refused: never opened again, reported once. */
static void refuse(struct event_reader *r, struct event_file *f, const char *why)
{
	f->refused = f->ended = true;
	if (r->refused++ == 0)
		snprintf(r->first_refused, sizeof r->first_refused, "%s: %s", f->name, why);
}

/* A new file, tracked from offset 0 and active, or refused (why not NULL)
 * and never opened; -1 on ENOMEM. */
static int add_file(struct event_reader *r, const char *name, const char *why)
{
	if (2 * (r->n_files + 1) > r->n_slots && grow_slots(r) != 0)
		return -1;
	if (r->n_files == r->cap_files) {
		size_t cap = r->cap_files ? r->cap_files * 2 : 64;
		struct event_file *files = realloc(r->files, cap * sizeof(*files));
		if (!files)
			return -1;
		r->files = files;
		r->cap_files = cap;
	}
	struct event_file *f = &r->files[r->n_files];
	if (!(f->name = strdup(name)))
		return -1;
	char *copy = f->name;
	memset(f, 0, sizeof *f);
	f->name = copy;
	if (!why && event_name_parse(name, &f->id) != 0)
		why = "not an event file's name (docs/telemetry.md)";
	size_t *slot = slot_of(r, name);
	*slot = ++r->n_files;
	if (why) {
		refuse(r, f, why);
		r->stats.ended++;
		return 0;
	}
	if (r->known && r->known(name, r->known_ctx)) {
		f->ended = true;  /* nothing in it can change what the caller knows */
		r->stats.ended++;
		r->stats.skipped++;
		return 0;
	}
	return activate(r, r->n_files - 1);
}

/* A file the listing shows: new ones are added (or refused, why not NULL:
 * a listing that shows a link or a FIFO opens nothing), gone ones come
 * back. */
static int seen_file(struct event_reader *r, const char *name, const char *why)
{
	size_t *slot = r->n_slots ? slot_of(r, name) : NULL;
	struct event_file *f;

	if (!slot || *slot == 0)
		return add_file(r, name, why);
	f = &r->files[*slot - 1];
	return f->ended || f->active ? 0 : activate(r, *slot - 1);
}

/* Reads what is new in one file; returns events handled, -1 on an error of
 * the reader's own, or -2 when the file is not there. A file refused is
 * ended (event_file.h). */
static long poll_file(struct event_reader *r, int dirfd, struct event_file *f,
		      event_handler handler, void *ctx, int *stop)
{
	struct event_file_pass p = {
		.handler = handler, .ctx = ctx, .buf = &r->buf, .buf_cap = &r->buf_cap,
		.top = r->leaf ? r->top : NULL, .leaf = r->leaf,
	};
	int rc = event_file_read(f, dirfd, &p);

	r->stats.opens += p.opened;
	r->bad_lines += p.bad_lines;
	r->forged += p.forged;
	*stop = p.stop;
	if (rc == 1)
		refuse(r, f, p.why);
	return rc < 0 ? rc : p.count;
}

static int is_event_file(const char *name)
{
	size_t len = strlen(name);
	return name[0] != '.' && len > 6 && !strcmp(name + len - 6, ".jsonl");
}

static struct dir_stamp stamp_of(const struct stat *st)
{
	struct dir_stamp s = {
		.dev = st->st_dev, .ino = st->st_ino, .mtime = st->st_mtim,
		.size = st->st_size, .nlink = st->st_nlink,
	};
	return s;
}

static bool same_stamp(const struct dir_stamp *a, const struct dir_stamp *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec && a->size == b->size &&
	       a->nlink == b->nlink;
}

/* Whether the directory must be listed (see the header). */
static bool must_list(struct event_reader *r, const struct dir_stamp *now)
{
	struct timespec mono;

	if (!r->listed || !same_stamp(&r->stamp, now) ||
	    r->stamp.mtime.tv_sec + EVENT_READER_RACY_S >= r->listed_wall ||
	    ++r->polls_since_listing >= EVENT_READER_RELIST_POLLS)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return mono.tv_sec - r->listed_mono.tv_sec >= EVENT_READER_RELIST_S;
}

/* Reads the directory's names into the tracked files; the stamp is the
 * directory's stat from before the reading, so that a change during it
 * makes the next poll list again. */
static int list_dir(struct event_reader *r, int dirfd, const struct dir_stamp *now)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int rc = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	r->stats.listings++;
	r->stamp = *now;
	r->listed_wall = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &r->listed_mono);
	r->polls_since_listing = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (is_event_file(e->d_name))
			rc = seen_file(r, e->d_name, event_file_refused_type(e->d_type));
		else if (e->d_type == DT_DIR && e->d_name[0] != '.')
			r->watch_refused = true;  /* the watch sees events/ alone */
	}
	closedir(d);
	r->listed = rc == 0;
	return rc;
}

/* Takes the active file at position i out of the active list. */
static void deactivate(struct event_reader *r, size_t i)
{
	r->files[r->active[i]].active = false;
	r->active[i] = r->active[--r->n_active];
}

/* Reads what is new in every active file. */
static long poll_active(struct event_reader *r, int dirfd, event_handler handler, void *ctx)
{
	long total = 0;
	int stop = 0;

	for (size_t i = 0; i < r->n_active && !stop;) {
		struct event_file *f = &r->files[r->active[i]];
		long n;

		if (!f->active) {  /* ended while watched (poll_dirty) */
			r->active[i] = r->active[--r->n_active];
			continue;
		}
		n = poll_file(r, dirfd, f, handler, ctx, &stop);
		if (n == -1)
			return -1;
		total += n > 0 ? n : 0;
		if (n == -2 || f->ended) {
			r->stats.ended += f->ended;
			deactivate(r, i);  /* the one moved into i comes next */
			continue;
		}
		i++;
	}
	return total;
}

/* A name the watch reported: tracked (new or back), and read at this poll. */
static int mark_dirty(const char *name, void *ctx)
{
	struct event_reader *r = ctx;
	struct event_file *f;

	if (!is_event_file(name) || seen_file(r, name, NULL) != 0)
		return is_event_file(name) ? -1 : 0;
	f = &r->files[*slot_of(r, name) - 1];
	if (f->ended || f->dirty)
		return 0;
	if (r->n_dirty == r->cap_dirty) {
		size_t cap = r->cap_dirty ? 2 * r->cap_dirty : 64;
		size_t *grown = realloc(r->dirty, cap * sizeof *grown);

		if (!grown)
			return -1;
		r->dirty = grown;
		r->cap_dirty = cap;
	}
	r->dirty[r->n_dirty++] = (size_t)(f - r->files);
	f->dirty = true;
	return 0;
}

/* Reads what is new in the files the watch named; what an error or a stop
 * leaves unread stays dirty. A file that is not there waits, active, for
 * the watch to name it again. */
static long poll_dirty(struct event_reader *r, int dirfd, event_handler handler, void *ctx)
{
	long total = 0;
	int stop = 0;
	size_t i;

	for (i = 0; i < r->n_dirty; i++) {
		struct event_file *f = &r->files[r->dirty[i]];
		long n = f->ended ? 0 : poll_file(r, dirfd, f, handler, ctx, &stop);

		if (n == -1) {
			total = -1;
			break;
		}
		total += n > 0 ? n : 0;
		if (stop)
			break;
		f->dirty = false;
		if (f->ended && f->active) {
			r->stats.ended++;
			f->active = false;  /* poll_active drops it from its list */
		}
	}
	if (i < r->n_dirty)  /* r->dirty may be NULL: memmove of nothing from it is UB */
		memmove(r->dirty, r->dirty + i, (r->n_dirty - i) * sizeof *r->dirty);
	r->n_dirty -= i;
	return total;
}

/* 1 when the watch tells what changed; 0 when every active file is to be
 * read after a listing (no watch, a new one, or one that lost events); -1
 * on error. */
static int watch_step(struct event_reader *r, int dirfd)
{
	char self[64];
	int rc = 0;

	if (r->watch && (rc = dir_watch_changes(r->watch, mark_dirty, r)) == 0)
		return 1;
	if (r->watch) {
		dir_watch_close(r->watch);
		r->watch = NULL;
		r->watch_refused = false;  /* a new one, and a listing */
	}
	if (rc < 0)
		return -1;
	/* the directory open as dirfd, not whatever its path names now (a
	 * task may have put a link there): no /proc, no watch */
	snprintf(self, sizeof self, "/proc/self/fd/%d", dirfd);
	if (r->use_watch && !r->watch_refused && !(r->watch = dir_watch_open(self)))
		r->watch_refused = true;
	return 0;
}

long event_reader_poll(struct event_reader *r, event_handler handler, void *ctx)
{
	int dirfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long total;

	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	total = event_reader_poll_at(r, dirfd, handler, ctx);
	close(dirfd);
	return total;
}

long event_reader_poll_at(struct event_reader *r, int dirfd, event_handler handler, void *ctx)
{
	struct dir_stamp now;
	struct stat st;
	long total = -1;
	int watched;

	if ((watched = watch_step(r, dirfd)) == 1) {
		total = poll_dirty(r, dirfd, handler, ctx);
	} else if (watched == 0 && fstat(dirfd, &st) == 0) {
		now = stamp_of(&st);
		if ((!r->watch && !must_list(r, &now)) || list_dir(r, dirfd, &now) == 0)
			total = poll_active(r, dirfd, handler, ctx);
		if (r->watch && r->watch_refused) {
			dir_watch_close(r->watch);  /* subdirectories: polled */
			r->watch = NULL;
		}
	}
	if (r->buf_cap > EVENT_FILE_READ_CHUNK) {  /* grown for a long line: not kept */
		free(r->buf);
		r->buf = NULL;
		r->buf_cap = 0;
	}
	return total;
}
