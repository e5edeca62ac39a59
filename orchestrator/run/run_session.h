/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One run as a command holds it: its directory (locked), run.json, the
 * journal, the tracker and the backend. `scalable run` creates one
 * (run_session_create), `watch` and `cancel` re-attach to one
 * (run_session_attach), `status` and `runs` open one read-only.
 *
 * Re-attaching rebuilds the tracker from tasks.jsonl and failures.jsonl,
 * resolves every submission the journal left unanswered (the chunk's key is
 * looked for in Slurm: `submitted` with the job found, else `absent`), then
 * replays every submitted chunk and reads the events again: nothing is
 * submitted and no row is written twice. The config is the run's own
 * manifest.yaml, read as the file it was copied from (relative paths start
 * there; later edits of that file do not matter), used only when its
 * manifest lock still matches run.json's (templates and scenario files
 * unchanged); otherwise the run goes on without its classify rules, says
 * so, and config_problem says why. A lock of another digest version
 * (run.json's manifest_lock_version, manifest_digest.h) is not compared:
 * the config is used, and a note says its files went unchecked.
 *
 * Tests: orchestrator/run/test/test_run_attach.c,
 * orchestrator/run/test/test_run_resume.c. */
#ifndef SCALABLE_RUN_SESSION_H
#define SCALABLE_RUN_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config/config_file.h"
#include "lib/util/error.h"
#include "rundir/journal.h"
#include "plan/plan.h"
#include "retry/retry_tracker.h"
#include "backend/backend.h"
#include "rundir/run_dir.h"
#include "rundir/run_record.h"
#include "tracker/tracker.h"

struct run_cache;

/* What a site's limit on queued jobs let through lately (run_window.h). */
struct run_window {
	bool blocked;              /* refused for a limit since the last submission */
	size_t queued_at_refusal;  /* the run's queued + running tasks then */
	time_t retry_at;           /* not before (backoff) */
	unsigned refusals;         /* in a row */
	unsigned idle_refusals;    /* in a row, with nothing of the run queued */
};

struct run_session {
	struct config *config;          /* NULL: re-attached without it */
	char *config_problem;           /* why it is NULL after re-attaching */
	const struct target *target;    /* NULL likewise */
	enum provider provider;
	struct run_dir *run;
	struct run_record record;
	struct journal *journal;        /* NULL when read-only */
	struct journal_replay replay;   /* read-only: the journal as read */
	struct tracker *tracker;
	struct backend *backend;    /* NULL when read-only */
	bool read_only;
	size_t submit_failures;         /* chunks sbatch refused */
	struct run_window window;       /* run_window.h: a site's limit on queued jobs */
	struct retry_context retry;     /* the tracker's decider's; unused without config */
	struct run_cache *cache;        /* run_cache.h; NULL when nothing caches */
	/* run_stages.h: the wave `scalable resume` began at (0: not resumed):
	 * a fan-in that failed before it runs again */
	unsigned stages_resume_wave;
	run_note_fn note;
	void *note_ctx;
};

/* What to re-attach to. */
struct run_session_spec {
	const char *runs_root;          /* NULL: runs_dir_default() */
	const char *run;                /* id, prefix, suffix or path; NULL: latest */
	const char *command;            /* for the lock: "watch", "cancel" */
	bool read_only;                 /* no lock, no writes, no backend */
	run_note_fn note;               /* warnings while attaching; optional */
	void *note_ctx;
};

/* A new run of config on target: the run directory (locked), the first
 * wave's plan and scripts, manifest.yaml, scenarios.jsonl, plan.json and
 * run.json. *plan is the first wave, to submit with run_submit_plan. With
 * components that cache (run_cache.h), the scenarios an earlier run
 * computed are recorded `cached` and left out of the plan, which may then
 * have no group at all. */
int run_session_create(struct config *config, const struct target *target,
		       const char *runs_root, run_note_fn note, void *note_ctx,
		       struct run_session **out, struct plan **plan, struct error *err);
/* The same with options: cache lookups can be turned off (--no-cache). */
struct run_create_options {
	const char *runs_root;          /* NULL: runs_dir_default() */
	bool no_cache;                  /* submit cached scenarios all the same */
	run_note_fn note;
	void *note_ctx;
};
int run_session_create_with(struct config *config, const struct target *target,
			    const struct run_create_options *options, struct run_session **out,
			    struct plan **plan, struct error *err);
int run_session_attach(const struct run_session_spec *spec, struct run_session **out,
		       struct error *err);
/* Releases the lock. Takes the config. NULL is a no-op. */
void run_session_free(struct run_session *s);

/* The journal as it stands (read-only sessions: as it was read). */
const struct journal_replay *run_session_journal(const struct run_session *s);
/* The target's poll interval, else the default. */
unsigned run_session_poll_interval(const struct run_session *s);

/* Internals shared by run_create.c and run_attach.c. */
/* The first wave without the cached scenarios (hit: a flag per (component,
 * index), component-major): per component, one request of what is left
 * (none for a component whose scenarios are all cached). The same hits
 * give the same chunks, so a re-attached run finds them by key. */
int run_session_plan_uncached(struct run_session *s, const struct plan_options *o,
			      const bool *hit, struct plan **plan, struct error *err);
struct run_session *run_session_new(run_note_fn note, void *note_ctx, struct error *err);
/* With a config, the tracker decides a retry for every failed attempt. */
int run_session_open_tracker(struct run_session *s, struct error *err);
/* The target's max_array_size, else (Slurm) the cluster's, else 1001; no more
 * than the target's max_queued, so that a chunk fits in the window. */
unsigned run_session_max_array_size(const struct target *target);
/* A target's `max_queued: auto`: the site's limit on the user's queued jobs
 * (slurm_submit_limit.h) becomes its max_queued; a local target, or a site
 * that says nothing, keeps no cap. Once, before a new run is planned (or
 * shown); a re-attached run keeps the value its plan.json recorded. */
void run_resolve_max_queued(struct config *config, const char *target_name);
int run_session_open_backend(struct run_session *s, struct error *err);
/* Tells the tracker about one submitted chunk of the journal. */
int run_session_track(struct run_session *s, const struct journal_submission *sub,
		      struct error *err);

#endif
