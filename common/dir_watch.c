/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dir_watch.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <unistd.h>

#define WATCH_MASK (IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF | \
		    IN_ONLYDIR)
/* The directory is gone or elsewhere, or the kernel dropped events. */
#define WATCH_LOST (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)
#define BUF_SIZE 65536

struct dir_watch {
	int fd;
	char *buf;
};

bool dir_watch_fs_is_local(long f_type)
{
	static const uint32_t local[] = {
		0xEF53,     /* ext2, ext3, ext4 */
		0x58465342, /* xfs */
		0x9123683E, /* btrfs */
		0x01021994, /* tmpfs */
		0x794C7630, /* overlayfs */
		0x2FC12FC1, /* zfs */
		0xF2F52010, /* f2fs */
	};

	for (size_t i = 0; i < sizeof local / sizeof *local; i++)
		if ((uint32_t)f_type == local[i])
			return true;
	return false;
}

struct dir_watch *dir_watch_open(const char *dir)
{
	struct dir_watch *w;
	struct statfs fs;

	if (statfs(dir, &fs) != 0 || !dir_watch_fs_is_local((long)fs.f_type))
		return NULL;
	if (!(w = calloc(1, sizeof *w)) || !(w->buf = malloc(BUF_SIZE))) {
		free(w);
		return NULL;
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0 || inotify_add_watch(w->fd, dir, WATCH_MASK) < 0) {
		dir_watch_close(w);
		return NULL;
	}
	return w;
}

void dir_watch_close(struct dir_watch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w->buf);
	free(w);
}

/* The events in buf[0..len): 1 when one says the watch is lost, -1 when
 * fn stopped. */
static int dispatch(const char *buf, size_t len, dir_watch_fn fn, void *ctx)
{
	const struct inotify_event *e;
	int lost = 0;

	for (size_t at = 0; at < len; at += sizeof *e + e->len) {
		e = (const struct inotify_event *)(const void *)(buf + at);
		if (e->mask & (WATCH_LOST | IN_ISDIR))
			lost = 1;  /* a subdirectory is not watched: the caller lists */
		else if (e->len && fn(e->name, ctx) != 0)
			return -1;
	}
	return lost;
}

int dir_watch_changes(struct dir_watch *w, dir_watch_fn fn, void *ctx)
{
	int lost = 0;

	for (;;) {
		ssize_t n = read(w->fd, w->buf, BUF_SIZE);
		int rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return lost;
		if (n <= 0)
			return -1;
		if ((rc = dispatch(w->buf, (size_t)n, fn, ctx)) < 0)
			return -1;
		lost |= rc;
	}
}
