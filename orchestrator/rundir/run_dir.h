/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run directories (docs/design.md, "The run directory"):
 * <runs_dir>/run-<YYYYMMDDTHHMMSSZ>-<project>-<8 hex>/ with events/,
 * scripts/ and logs/; runs_dir is $SCALABLE_RUNS_DIR, else ./.scalable/runs.
 * Creating, finding (by id, unique prefix, the 8-hex suffix, or path; or the
 * latest), listing, and locking (run_lock.h) a run. */
#ifndef SCALABLE_RUN_DIR_H
#define SCALABLE_RUN_DIR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/util/error.h"

#define RUNS_DIR_DEFAULT ".scalable/runs"
#define RUN_PROJECT_MAX 64      /* characters of the project kept in an id */
#define RUN_ID_MAX 128

struct run_dir {
	char *root;      /* the runs directory, absolute */
	char *path;      /* root/id */
	char *id;        /* the directory's name: the run id */
	int lock_fd;     /* >= 0 while this process holds the run's lock */
};

/* $SCALABLE_RUNS_DIR, else ./.scalable/runs, made absolute; NULL on ENOMEM. */
char *runs_dir_default(void);

/* The project as it appears in a path: letters, digits, '.', '_' and '-'
 * kept, anything else '_', no leading '.', at most RUN_PROJECT_MAX
 * characters, "project" when nothing is left. */
void run_project_for_path(const char *project, char *buf, size_t len);
/* run-<when as YYYYMMDDTHHMMSSZ>-<project for a path>-<random as 8 hex>. */
int run_id_format(const char *project, time_t when, uint32_t random, char *buf, size_t len);
/* True when name has the shape of a run id. */
int run_id_valid(const char *name);

/* Creates a new run under root (made 0700 if missing) and takes its lock for
 * command. */
int run_dir_create(const char *root, const char *project, const char *command,
		   struct run_dir **out, struct error *err);
/* Finds a run: spec is a path (holds a '/'), the name of a directory here
 * that holds run.json, a run id, a unique prefix of
 * one, or its 8-hex suffix (of the caller's runs only: others' are named
 * once on stderr). Not locked. Exit codes: 5 when nothing matches,
 * 2 when several do. */
int run_dir_find(const char *root, const char *spec, struct run_dir **out,
		 struct error *err);
/* The caller's most recent run under root: the last of run_dir_list's
 * order (others' runs are named once on stderr). */
int run_dir_latest(const char *root, struct run_dir **out, struct error *err);
/* How every command finds the run it is given (docs/scalable.1, "Runs"):
 * spec as run_dir_find reads it (a path, a directory here holding run.json,
 * a run id, a unique prefix, the 8-hex suffix), NULL for the latest; root
 * NULL for runs_dir_default(). Exit code 5 when there is no such run. */
int run_dir_resolve(const char *root, const char *spec, struct run_dir **out,
		    struct error *err);
/* Takes the run's lock (see run_lock_take). */
int run_dir_lock(struct run_dir *run, const char *command, struct error *err);
/* Releases the lock if held, and frees. NULL is a no-op. */
void run_dir_free(struct run_dir *run);

struct run_list {
	char **ids;      /* oldest first */
	size_t count;
	size_t foreign;        /* runs left out: another user's (run_owner.h) */
	char *foreign_first;   /* the first of them met, or NULL */
};

/* The caller's runs under root, oldest first (a run directory of another
 * uid is counted in foreign, not listed); a missing root holds none. Ordered
 * by the time stamp in the id (seconds); runs of the same second by
 * run.json's started_at (milliseconds), a run without one first, then by
 * id (the random suffix says nothing about order). */
int run_dir_list(const char *root, struct run_list *out, struct error *err);
void run_list_free(struct run_list *list);

#endif
