/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading events/ in both layouts (see event_tree.h). */
#include "event_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* When a directory was last listed for subdirectories, and its stat then. */
struct dir_watch {
	bool listed;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	nlink_t nlink;
	time_t listed_wall;
	struct timespec listed_mono;
	unsigned polls;
};

struct leaf {
	char *name;
	struct event_reader *reader;
	struct dir_watch watch;     /* its stat when last read with every file ended */
	bool refused;               /* found a link (or not a directory): reported */
};

/* A first-level directory of layout 2 and its leaves. */
struct top {
	char *name;
	struct dir_watch watch;
	struct leaf *leaves;
	size_t n_leaves, cap_leaves;
	bool refused;               /* as a leaf's */
};

struct event_tree {
	char *dir;
	struct event_reader *flat;  /* events/ itself: layout 1 */
	struct dir_watch watch;     /* events/, for its subdirectories */
	struct top *tops;
	size_t n_tops, cap_tops;
	size_t listings;
	struct event_tree_stats dir_stats;
	bool stopped;               /* the handler asked to stop */
	size_t refused;             /* directories found links (or not directories) */
	char first_refused[320];    /* "PATH: why" of the first */
	event_file_known known;     /* event_tree_skip_known, for every reader */
	void *known_ctx;
	event_handler handler;
	void *ctx;
};

struct event_tree *event_tree_new(const char *dir)
{
	struct event_tree *t = calloc(1, sizeof *t);

	if (!t || !(t->dir = strdup(dir)) || !(t->flat = event_reader_new(dir))) {
		if (t)
			free(t->dir);
		free(t);
		return NULL;
	}
	return t;
}

void event_tree_free(struct event_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_tops; i++) {
		for (size_t j = 0; j < t->tops[i].n_leaves; j++) {
			free(t->tops[i].leaves[j].name);
			event_reader_free(t->tops[i].leaves[j].reader);
		}
		free(t->tops[i].leaves);
		free(t->tops[i].name);
	}
	free(t->tops);
	event_reader_free(t->flat);
	free(t->dir);
	free(t);
}

/* Whether the directory must be listed again: the rule of event_reader.h. */
static bool watch_due(struct dir_watch *w, const struct stat *st)
{
	struct timespec mono;

	if (!w->listed || w->dev != st->st_dev || w->ino != st->st_ino ||
	    w->nlink != st->st_nlink || w->mtime.tv_sec != st->st_mtim.tv_sec ||
	    w->mtime.tv_nsec != st->st_mtim.tv_nsec ||
	    w->mtime.tv_sec + EVENT_READER_RACY_S >= w->listed_wall ||
	    ++w->polls >= EVENT_READER_RELIST_POLLS)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return mono.tv_sec - w->listed_mono.tv_sec >= EVENT_READER_RELIST_S;
}

/* Remembers the stat taken before a listing. */
static void watch_listed(struct dir_watch *w, const struct stat *st)
{
	w->listed = true;
	w->dev = st->st_dev;
	w->ino = st->st_ino;
	w->nlink = st->st_nlink;
	w->mtime = st->st_mtim;
	w->listed_wall = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &w->listed_mono);
	w->polls = 0;
}

/* Grows *items (of size each) to hold one more; -1 on ENOMEM. */
static int room_for_one(void **items, size_t n, size_t *cap, size_t size)
{
	size_t grown = *cap ? 2 * *cap : 16;
	void *p;

	if (n < *cap)
		return 0;
	if (!(p = realloc(*items, grown * size)))
		return -1;
	*items = p;
	*cap = grown;
	return 0;
}

static int add_top(struct event_tree *t, const char *name)
{
	for (size_t i = 0; i < t->n_tops; i++)
		if (!strcmp(t->tops[i].name, name))
			return 0;
	if (room_for_one((void **)&t->tops, t->n_tops, &t->cap_tops, sizeof *t->tops) != 0)
		return -1;
	memset(&t->tops[t->n_tops], 0, sizeof *t->tops);
	if (!(t->tops[t->n_tops].name = strdup(name)))
		return -1;
	t->n_tops++;
	t->dir_stats.dirs++;
	return 0;
}

static int add_leaf(struct event_tree *t, struct top *top, const char *name)
{
	struct leaf *leaf;
	char *path = NULL;

	for (size_t i = 0; i < top->n_leaves; i++)
		if (!strcmp(top->leaves[i].name, name))
			return 0;
	if (room_for_one((void **)&top->leaves, top->n_leaves, &top->cap_leaves,
			 sizeof *top->leaves) != 0 ||
	    asprintf(&path, "%s/%s/%s", t->dir, top->name, name) < 0)
		return -1;
	leaf = &top->leaves[top->n_leaves];
	memset(leaf, 0, sizeof *leaf);
	leaf->name = strdup(name);
	leaf->reader = event_reader_new(path);
	free(path);
	if (!leaf->name || !leaf->reader ||
	    event_reader_in_layout2(leaf->reader, top->name, name) != 0) {
		free(leaf->name);
		event_reader_free(leaf->reader);
		return -1;
	}
	event_reader_skip_known(leaf->reader, t->known, t->known_ctx);
	top->n_leaves++;
	t->dir_stats.dirs++;
	return 0;
}

/* Whether the entry of dirfd is a directory itself (not a link to one). */
static bool is_subdir(int dirfd, const struct dirent *e)
{
	struct stat st;

	if (e->d_name[0] == '.')
		return false;
	if (e->d_type != DT_UNKNOWN)
		return e->d_type == DT_DIR;
	return fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Lists the directory fd (taken: closed here) for subdirectories: events/
 * itself when top is NULL, else top. */
static int list_subdirs(struct event_tree *t, int fd, struct top *top)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		close(fd);
		return -1;
	}
	t->listings++;
	while (rc == 0 && (e = readdir(d)) != NULL)
		if (is_subdir(dirfd(d), e))
			rc = top ? add_leaf(t, top, e->d_name) : add_top(t, e->d_name);
	closedir(d);
	return rc;
}

/* Finds the leaves of top when its stat says they may have changed. */
static int refresh_top(struct event_tree *t, int events_fd, size_t i)
{
	struct stat st;
	int fd;

	if (fstatat(events_fd, t->tops[i].name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode) || !watch_due(&t->tops[i].watch, &st))
		return 0;
	fd = openat(events_fd, t->tops[i].name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	watch_listed(&t->tops[i].watch, &st);
	return list_subdirs(t, fd, &t->tops[i]);
}

/* Finds the directories of layout 2 that are new since the last poll, in
 * events/ open as fd. */
static int refresh(struct event_tree *t, int fd)
{
	struct stat st;
	int rc = 0;

	if (fstat(fd, &st) != 0)
		return -1;
	if (watch_due(&t->watch, &st)) {
		int list_fd = dup(fd);

		watch_listed(&t->watch, &st);
		rc = list_fd < 0 ? -1 : list_subdirs(t, list_fd, NULL);
	}
	for (size_t i = 0; rc == 0 && i < t->n_tops; i++)
		rc = refresh_top(t, fd, i);
	return rc;
}

/* Whether a leaf (open as fd) must be read: it has files whose step has
 * not ended, or its stat says it may have new ones (watch_due's rule, the
 * one its reader would apply); else one fstat is all it costs, and its
 * reader gives its kernel watch back (inotify instances are few) until it
 * is due again. */
static bool leaf_due(int fd, struct leaf *leaf)
{
	struct event_reader_stats s;
	struct stat st;
	bool due = true;

	event_reader_stats(leaf->reader, &s);
	if (s.files == s.ended) {
		if (fstat(fd, &st) != 0)
			return true;  /* let the reader say */
		due = watch_due(&leaf->watch, &st);
		if (due)
			watch_listed(&leaf->watch, &st);
	}
	event_reader_watch(leaf->reader, due);
	return due;
}

/* Opens the directory name of at, never through a link: the fd; -2 when
 * it is gone or not to be read (a link, not a directory, mode 000: then
 * reported once, *refused set); -1 on an error of ours. */
static int open_dir(struct event_tree *t, int at, const char *top, const char *name,
		    bool *refused)
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;

	if (fd >= 0 || e == ENOENT)
		return fd >= 0 ? fd : -2;
	if (e == EMFILE || e == ENFILE || e == ENOMEM)
		return -1;
	if (!*refused && t->refused++ == 0)
		snprintf(t->first_refused, sizeof t->first_refused, "%s%s%s: %s",
			 top ? top : "", top ? "/" : "", name,
			 e == ELOOP || e == ENOTDIR ? "not a directory (a link is not followed)"
						    : strerror(e));
	*refused = true;
	return -2;
}

/* Passes each event on, noting whether the handler asked to stop. */
static int relay(const char *file_name, json_t *event, void *ctx)
{
	struct event_tree *t = ctx;
	int rc = t->handler(file_name, event, t->ctx);

	t->stopped = rc != 0;
	return rc;
}

/* Adds a reader's poll to *total (of its directory open as fd; -1: by its
 * path); false when the poll is over. */
static bool poll_one(struct event_tree *t, struct event_reader *r, int fd, long *total)
{
	long n = fd < 0 ? event_reader_poll(r, relay, t) : event_reader_poll_at(r, fd, relay, t);

	if (n < 0) {
		*total = -1;
		return false;
	}
	*total += n;
	return !t->stopped;
}

/* Reads the leaves of top (open as top_fd) that may have something new;
 * false when the poll is over. */
static bool poll_top(struct event_tree *t, struct top *top, int top_fd, long *total)
{
	for (size_t j = 0; j < top->n_leaves; j++) {
		struct leaf *leaf = &top->leaves[j];
		int fd = open_dir(t, top_fd, top->name, leaf->name, &leaf->refused);
		bool go_on = true;

		if (fd == -1)
			*total = -1;
		if (fd < 0) {
			if (fd == -1)
				return false;
			continue;
		}
		if (leaf_due(fd, leaf)) {
			t->dir_stats.leaf_polls++;
			go_on = poll_one(t, leaf->reader, fd, total);
		}
		close(fd);
		if (!go_on)
			return false;
	}
	return true;
}

/* Reads the leaves that may have something new. */
static long poll_leaves(struct event_tree *t, int events_fd, long total)
{
	for (size_t i = 0; i < t->n_tops; i++) {
		int fd = open_dir(t, events_fd, NULL, t->tops[i].name, &t->tops[i].refused);
		bool go_on;

		if (fd == -2)
			continue;
		if (fd == -1)
			return -1;
		go_on = poll_top(t, &t->tops[i], fd, &total);
		close(fd);
		if (!go_on)
			break;
	}
	return total;
}

long event_tree_poll(struct event_tree *t, event_handler handler, void *ctx)
{
	long total = 0;
	int fd;

	t->handler = handler;
	t->ctx = ctx;
	t->stopped = false;
	if (!poll_one(t, t->flat, -1, &total))
		return total;
	if ((fd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? total : -1;
	total = refresh(t, fd) == 0 ? poll_leaves(t, fd, total) : -1;
	close(fd);
	return total;
}

void event_tree_skip_known(struct event_tree *t, event_file_known fn, void *ctx)
{
	t->known = fn;
	t->known_ctx = ctx;
	event_reader_skip_known(t->flat, fn, ctx);
	for (size_t i = 0; i < t->n_tops; i++)
		for (size_t j = 0; j < t->tops[i].n_leaves; j++)
			event_reader_skip_known(t->tops[i].leaves[j].reader, fn, ctx);
}

/* A count summed over every reader of the tree. */
static size_t sum_readers(const struct event_tree *t, size_t (*count)(const struct event_reader *))
{
	size_t n = count(t->flat);

	for (size_t i = 0; i < t->n_tops; i++)
		for (size_t j = 0; j < t->tops[i].n_leaves; j++)
			n += count(t->tops[i].leaves[j].reader);
	return n;
}

size_t event_tree_bad_lines(const struct event_tree *t)
{
	return sum_readers(t, event_reader_bad_lines);
}

size_t event_tree_forged(const struct event_tree *t)
{
	return sum_readers(t, event_reader_forged);
}

size_t event_tree_refused(const struct event_tree *t, char *first, size_t len)
{
	const char *f = NULL;
	size_t n = event_reader_refused(t->flat, &f) + t->refused;

	if (first && len)
		snprintf(first, len, "%s", f ? f : t->refused ? t->first_refused : "");
	for (size_t i = 0; i < t->n_tops; i++) {
		for (size_t j = 0; j < t->tops[i].n_leaves; j++) {
			size_t k = event_reader_refused(t->tops[i].leaves[j].reader, &f);

			if (k && first && len && !*first)
				snprintf(first, len, "%s/%s/%s", t->tops[i].name,
					 t->tops[i].leaves[j].name, f);
			n += k;
		}
	}
	return n;
}

static void add_stats(struct event_reader_stats *sum, const struct event_reader *r)
{
	struct event_reader_stats s;

	event_reader_stats(r, &s);
	sum->listings += s.listings;
	sum->opens += s.opens;
	sum->files += s.files;
	sum->ended += s.ended;
	sum->skipped += s.skipped;
	sum->watched = sum->watched || s.watched;
}

void event_tree_stats(const struct event_tree *t, struct event_reader_stats *out)
{
	memset(out, 0, sizeof *out);
	add_stats(out, t->flat);
	for (size_t i = 0; i < t->n_tops; i++)
		for (size_t j = 0; j < t->tops[i].n_leaves; j++)
			add_stats(out, t->tops[i].leaves[j].reader);
	out->listings += t->listings;
}

void event_tree_dir_stats(const struct event_tree *t, struct event_tree_stats *out)
{
	*out = t->dir_stats;
}
