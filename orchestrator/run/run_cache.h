/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The content cache as a run uses it (cache_key.h makes the keys,
 * cache_log.h keeps cache.jsonl and finds earlier runs' keys).
 *
 * A session whose config has a component with `cache: true` opens its
 * cache when it is created or re-attached (not read-only): the key base of
 * each such component is prepared (its declared inputs hashed once) and
 * cache.jsonl opened. From then on every `succeeded` row of such a
 * component is followed by a `stored` record of its key (the tracker's
 * success hook), whether or not the run looked the cache up.
 *
 * Looking up (`run` and `resume` unless --no-cache): the keys every other
 * run under the same runs directory stored are loaded once; a scenario
 * whose key is among them is not submitted: its attempt is `cached` in
 * tasks.jsonl and a `hit` record naming the source run goes to cache.jsonl.
 * For a component with outputs, a key is found only while the files its
 * latest record names are intact (cache_outputs.h); the others are counted
 * (run_cache_say_refused) and run.
 *
 * On re-attach the keys are made from the input files as they are then; an
 * input changed while the run was detached gives what succeeds afterwards
 * the new file's key.
 *
 * Tests: orchestrator/run/test/test_run_resume.c, tests/cli/resume_cache.sh. */
#ifndef SCALABLE_RUN_CACHE_H
#define SCALABLE_RUN_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util/error.h"
#include "run/run_session.h"
#include "sha256.h"

/* Prepares s->cache's keys when a component of s->config caches (else
 * leaves it NULL); needs no run directory, so that `scalable run` can fail
 * before it makes one. A declared input that cannot be read is an error
 * (exit 2). */
int run_cache_prepare(struct run_session *s, struct error *err);
/* The same, then cache.jsonl opened (s->run set). */
int run_cache_open(struct run_session *s, struct error *err);
/* Loads the keys stored by every other run under the run's runs directory. */
int run_cache_load_index(struct run_session *s, struct error *err);
/* Whether component c caches (the session's cache is open). */
bool run_cache_enabled(const struct run_session *s, const struct component *c);
/* The run that stored scenario index's key of component c, or NULL; the
 * index must be loaded. */
const char *run_cache_lookup(const struct run_session *s, const struct component *c,
			     size_t index);
/* Says (through s->note) how many lookups since the last call found a
 * result whose outputs were not intact (cache_outputs.h), and the first
 * one's reason; nothing when none. */
void run_cache_say_refused(struct run_session *s);
/* Records a hit: attempt `cached` in tasks.jsonl, then `hit` (source) in
 * cache.jsonl. */
int run_cache_take_hit(struct run_session *s, const struct component *c, size_t index,
		       unsigned attempt, const char *source, struct error *err);
/* The tracker's success hook (ctx: the session): the `stored` record. */
int run_cache_on_success(const struct task_attempt *a, void *ctx, struct error *err);
void run_cache_free(struct run_cache *cache);

#endif
