/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading a run's events/ in both layouts (step_event.h, docs/telemetry.md
 * "Layouts"): the *.jsonl files in events/ itself (layout 1, and whatever
 * was written there by an older plugin or orchestrator) and those in
 * events/<first>/<second>/ (layout 2), in any mix. Each of these
 * directories is read by its own event_reader (event_reader.h: complete
 * lines only, ended files never opened again, a directory listed again only
 * when its stat changed, within the same bounds).
 *
 * The directories of layout 2 are found the same way: events/ and each
 * first-level directory are listed for subdirectories when their stat
 * changed (or at the relisting bounds of event_reader.h). A leaf whose
 * files have all ended is read again only when its stat says it may hold a
 * new one, by the same rule. So a quiet poll costs one stat per directory
 * of layout 2, besides the files not yet ended. Symbolic links to
 * directories are not followed; names starting with '.' are skipped. Each
 * directory of layout 2 is opened relative to the one above, O_NOFOLLOW, at
 * every poll (a task can replace one by a link at any time), and its
 * reader reads that descriptor (event_reader_poll_at), not its path.
 *
 * Each leaf's reader asks the kernel what changed in its own directory
 * where it can (event_reader.h, dir_watch.h) while it has files not ended;
 * a leaf whose files have all ended gives its watch back (inotify instances
 * are few per user) and takes a new one when its stat makes it due again.
 * events/ itself holds the subdirectories of layout 2, so its reader polls
 * by stat there, as do those of the first level.
 *
 * Tests: common/test/test_event_tree.c. */
#ifndef SCALABLE_EVENT_TREE_H
#define SCALABLE_EVENT_TREE_H

#include <stddef.h>

#include "event_reader.h"

struct event_tree;

/* A reader of dir (normally <run_dir>/events); NULL on allocation failure. */
struct event_tree *event_tree_new(const char *dir);
void event_tree_free(struct event_tree *t);

/* Reads what is new in every event file of both layouts, handing each
 * event to handler (its file_name is the file's own name, without its
 * directory). Returns the number of events handled, or -1 if a directory
 * cannot be read (a missing events/ counts as empty). A handler that
 * returns non-zero stops the poll. */
long event_tree_poll(struct event_tree *t, event_handler handler, void *ctx);

/* event_reader_skip_known for the reader of every directory, those found
 * later included (fn NULL: none). */
void event_tree_skip_known(struct event_tree *t, event_file_known fn, void *ctx);

/* Lines skipped so far (event_reader_bad_lines), and of them those that
 * claimed another step than their file's name (event_reader_forged). */
size_t event_tree_bad_lines(const struct event_tree *t);
size_t event_tree_forged(const struct event_tree *t);

/* Entries refused so far, in every directory (event_reader_refused), and
 * directories of layout 2 found to be links or not directories (never
 * followed; read again once they are directories again), each counted
 * once. first (len bytes, may be NULL) gets one of them as "PATH: why",
 * PATH relative to events/, or "" when there is none. */
size_t event_tree_refused(const struct event_tree *t, char *first, size_t len);

/* The sum over every directory read (listings count the listings made to
 * find layout 2's directories too); watched: some reader is watched. */
void event_tree_stats(const struct event_tree *t, struct event_reader_stats *out);

/* The directories of layout 2 (for tests and benchmarks). */
struct event_tree_stats {
	size_t dirs;         /* known: first-level directories and leaves */
	size_t leaf_polls;   /* times a leaf was read (the others cost a stat) */
};
void event_tree_dir_stats(const struct event_tree *t, struct event_tree_stats *out);

#endif
