/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Incremental reading of a run's events/ directory: each call returns only
 * the complete lines appended since the last call, file by file. A truncated
 * last line (a writer caught mid-crash, or still writing) is left for the
 * next call; a line that is not a JSON object is counted and skipped, never
 * allowed to hide the lines after it. Every *.jsonl file of the directory
 * named as the writers name them is read, in either layout (event_name.h);
 * its lines count for the step its name says and no other.
 *
 * A task writes in events/ as the job user, so anything may be there
 * (event_file.h): an entry that is not a regular file, or cannot be
 * opened, or is named for no step, is refused: never followed, never
 * blocked on, counted once (event_reader_refused) and never looked at
 * again, like an ended file, so that 100,000 of them cost one listing; so
 * is a file at a line longer than EVENT_LINE_MAX. A line that is not a
 * JSON object, or claims another step than its file's name, is skipped and
 * counted (event_reader_bad_lines). Neither stops a poll.
 *
 * A poll costs what changed, not the number of files:
 * - known files are found by a hash of their names;
 * - a file whose step has ended (a whole line with "event": "end" read) is
 *   never opened again: one file holds one step's run on one node, and
 *   nothing is written after its end (a requeue writes a new file);
 * - the directory is listed again only when its stat changed (inode, mtime
 *   to the nanosecond, size, link count). A filesystem with coarse mtimes
 *   can take a new entry within the same tick as the last change without a
 *   new mtime, so the stat is trusted only once the mtime is more than
 *   EVENT_READER_RACY_S seconds older than the last listing (as git does for
 *   its index); and whatever the stat says (clock skew, attribute caches),
 *   the directory is listed again at least every EVENT_READER_RELIST_POLLS
 *   polls or EVENT_READER_RELIST_S seconds, so a new file is found late by
 *   at most that bound. Between listings only the files not yet ended are
 *   opened, and a file gone from the directory waits for a listing that
 *   shows it again.
 * Where the directory is on a local filesystem, the kernel says what changed
 * (inotify, dir_watch.h): the directory is listed once, and again only when
 * the kernel lost events, and at each poll only the files it named as
 * created or written are opened; a poll then costs what changed, whatever
 * the number of files and steps running. The watch covers the directory
 * itself, not what is below it: a listing that finds a subdirectory turns
 * it off for good (polling, as above), so that a reader of events/<sub>/
 * must watch those too (dir_watch.h) before it may rely on one. */
#ifndef SCALABLE_EVENT_READER_H
#define SCALABLE_EVENT_READER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct event_reader;

#define EVENT_READER_RACY_S 2
#define EVENT_READER_RELIST_POLLS 16
#define EVENT_READER_RELIST_S 5

/* Called once per complete, parsed line; file_name is the event file's name.
 * Return 0 to go on, non-zero to stop (the line counts as consumed). */
typedef int (*event_handler)(const char *file_name, json_t *event, void *ctx);

/* A reader of dir (normally <run_dir>/events); NULL on allocation failure. */
struct event_reader *event_reader_new(const char *dir);
void event_reader_free(struct event_reader *r);

/* Asked once for each file name the reader comes to know: true says the
 * caller already knows the step's end (a re-attached orchestrator, from what
 * it recorded), so the file is taken as ended and never opened. */
typedef bool (*event_file_known)(const char *file_name, void *ctx);
void event_reader_skip_known(struct event_reader *r, event_file_known fn, void *ctx);

/* The reader's directory is events/<top>/<leaf>/ of layout 2: a line
 * whose array ids (or job id, under job/) are not of that directory is
 * forged too (event_name_forged_dir). -1 on ENOMEM. */
int event_reader_in_layout2(struct event_reader *r, const char *top, const char *leaf);

/* Whether to ask the kernel what changed where it can tell (the default);
 * off, every poll goes by the directory's stat and reads every file not
 * ended. */
void event_reader_watch(struct event_reader *r, bool on);

/* Reads what is new in every event file of the directory. Returns the
 * number of events handled, or -1 if the directory cannot be read or on an
 * error of the reader's own (out of memory or descriptors); a missing
 * directory counts as empty, and an entry it cannot read is refused, never
 * an error. */
long event_reader_poll(struct event_reader *r, event_handler handler, void *ctx);

/* The same, of the reader's directory already open as dirfd (left open):
 * for a caller that opened it without following links (event_tree.c). */
long event_reader_poll_at(struct event_reader *r, int dirfd, event_handler handler, void *ctx);

/* Lines skipped so far: not JSON objects (invalid UTF-8 and NUL bytes
 * included), forged (event_reader_forged), or longer than EVENT_LINE_MAX
 * (event_file.h: its file is refused then). */
size_t event_reader_bad_lines(const struct event_reader *r);

/* Of the lines skipped, those that claimed another step than their file's
 * name says (event_name.h). */
size_t event_reader_forged(const struct event_reader *r);

/* Entries refused so far: named like event files but not regular files
 * (symbolic links, never followed; FIFOs, never blocked on; directories,
 * sockets, devices), that cannot be opened (mode 000), whose name is not
 * an event file's (event_name.h), or that hold a line longer than
 * EVENT_LINE_MAX (refused at it, the lines before it read). Each is
 * remembered like an ended file (never opened again) and counted once;
 * *first (when first is not NULL) is "NAME: why" of the first of them, or
 * NULL when there is none. */
size_t event_reader_refused(const struct event_reader *r, const char **first);

/* What the reader has done so far (for tests and benchmarks). */
struct event_reader_stats {
	size_t listings;     /* times the directory was read */
	size_t opens;        /* event files opened */
	size_t files;        /* files known */
	size_t ended;        /* of which ended (or refused): never opened again */
	size_t skipped;      /* of which known (event_reader_skip_known): never opened */
	bool watched;        /* the kernel says what changed (dir_watch.h) */
};
void event_reader_stats(const struct event_reader *r, struct event_reader_stats *out);

#endif
