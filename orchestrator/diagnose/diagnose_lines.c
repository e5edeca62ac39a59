/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a JSONL file, or a byte range of one, line by line (see
 * dx_read_lines and dx_read_range in diagnose_impl.h). The file is mapped
 * (no copy: gigabytes are read in a second or two) up to the end of its
 * last complete line, so that a writer cutting a torn tail off cannot pull
 * pages from under us, and what was read is dropped from the mapping as we
 * go, so resident memory stays near MAP_WINDOW per thread.
 *
 * A file truncated or rewritten under us after all (a writer repairing its
 * torn tail, someone's cp over it) must not crash diagnose: touching a page
 * past the new end raises SIGBUS, which jumps back here (per thread), and a
 * line that no longer ends where it did is seen; either way the read fails
 * with "changed while it was read". */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diagnose/diagnose_impl.h"

#define MAP_WINDOW ((uint64_t)32 << 20)

/* Where this thread goes back to on SIGBUS while it reads a mapping. */
static _Thread_local sigjmp_buf *bus_return;

static void on_sigbus(int sig)
{
	if (bus_return)
		siglongjmp(*bus_return, 1);
	signal(sig, SIG_DFL);   /* not ours: die of it as we would have */
	raise(sig);
}

static void install_sigbus_handler(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, NULL);
}

/* The size of fd up to and including its last newline; -1 on error. */
static int64_t complete_size(int fd, uint64_t size)
{
	char buf[4096];
	uint64_t end = size;

	while (end > 0) {
		size_t take = end < sizeof buf ? (size_t)end : sizeof buf;
		ssize_t n = pread(fd, buf, take, (off_t)(end - take));
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)take)
			return -1;
		if ((nl = memrchr(buf, '\n', take)))
			return (int64_t)(end - take + (uint64_t)(nl - buf) + 1);
		end -= take;
	}
	return 0;
}

struct mapping {
	const char *base;
	uint64_t from, len;        /* file offset of base, and bytes mapped */
};

static const char *at(const struct mapping *m, uint64_t offset)
{
	return m->base + (offset - m->from);
}

/* The first line start at or after start, before complete. */
static uint64_t first_mapped_line(const struct mapping *m, uint64_t start, uint64_t complete)
{
	const char *nl;

	if (start == 0 || *at(m, start - 1) == '\n' || start >= complete)
		return start;
	nl = memchr(at(m, start), '\n', complete - start);
	return nl ? m->from + (uint64_t)(nl - m->base) + 1 : complete;
}

/* Calls fn on the mapped lines that start in [start, end). */
static int each_mapped_line(const struct mapping *m, uint64_t start, uint64_t end,
			    uint64_t complete, dx_line_fn fn, void *ctx,
			    struct dx_file_stats *stats)
{
	uint64_t off = first_mapped_line(m, start, complete), dropped = m->from;

	while (off < end && off < complete) {
		const char *line = at(m, off), *nl = memchr(line, '\n', complete - off);
		size_t len;

		if (!nl) {   /* it ended in a newline when mapped: rewritten since */
			errno = ESTALE;
			return -1;
		}
		len = (size_t)(nl - line);
		stats->lines++;
		if (len && fn(line, len, off, ctx) != 0)
			return -1;
		off += len + 1;
		if (off - dropped >= MAP_WINDOW) {  /* read: out of the resident set */
			uint64_t upto = off & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);

			madvise((void *)at(m, dropped), upto - dropped, MADV_DONTNEED);
			dropped = upto;
		}
	}
	return 0;
}

/* each_mapped_line, with SIGBUS (a page cut off the file) turned into an
 * ESTALE failure. What fn had allocated for the line it was reading when
 * the page went is its own to keep track of (the read fails as a whole). */
static int read_guarded(const struct mapping *m, uint64_t start, uint64_t end,
			uint64_t complete, dx_line_fn fn, void *ctx, struct dx_file_stats *stats)
{
	sigjmp_buf here;
	volatile int rc = -1;

	/* each time, never undone: threads read at once, and whoever else set
	 * a handler meanwhile (a test harness) would take our SIGBUS */
	install_sigbus_handler();
	if (sigsetjmp(here, 1) == 0) {
		bus_return = &here;
		rc = each_mapped_line(m, start, end, complete, fn, ctx, stats);
	} else {
		errno = ESTALE;
	}
	bus_return = NULL;
	return rc;
}

/* Maps the complete lines from the page before start on, and reads them. */
static int map_range(int fd, uint64_t start, uint64_t end, dx_line_fn fn, void *ctx,
		     struct dx_file_stats *stats)
{
	struct stat st;
	struct mapping m;
	int64_t complete;
	void *base;
	int rc;

	if (fstat(fd, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	if ((complete = complete_size(fd, (uint64_t)st.st_size)) < 0)
		return -1;
	if (start <= (uint64_t)complete && (uint64_t)complete < end &&
	    (uint64_t)st.st_size > (uint64_t)complete)
		stats->torn++;  /* a last line without its newline: cut by a crash */
	m.from = (start ? start - 1 : 0) & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
	if ((uint64_t)complete <= m.from || start >= end)
		return 0;  /* no complete line starts here */
	m.len = (uint64_t)complete - m.from;
	if ((base = mmap(NULL, m.len, PROT_READ, MAP_PRIVATE, fd, (off_t)m.from)) == MAP_FAILED)
		return -1;
	m.base = base;
	(void)madvise(base, m.len, MADV_SEQUENTIAL);
	rc = read_guarded(&m, start, end, (uint64_t)complete, fn, ctx, stats);
	munmap(base, m.len);
	return rc;
}

int dx_read_range(int fd, const char *path, uint64_t start, uint64_t end, dx_line_fn fn,
		  void *ctx, struct dx_file_stats *stats, struct error *err)
{
	stats->present = true;
	if (map_range(fd, start, end, fn, ctx, stats) != 0) {
		if (errno == ESTALE && (errno = EAGAIN))   /* strerror: "try again" */
			error_system(err, "%s changed while it was read (truncated or "
				     "rewritten; it should only grow)", path);
		else
			error_system(err, "cannot read %s", path);
		return -1;
	}
	return 0;
}

int dx_read_lines(const char *path, dx_line_fn fn, void *ctx, struct dx_file_stats *stats,
		  struct error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	memset(stats, 0, sizeof *stats);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		error_system(err, "cannot read %s", path);
		return -1;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = dx_read_range(fd, path, 0, UINT64_MAX, fn, ctx, stats, err);
	close(fd);
	return rc;
}
