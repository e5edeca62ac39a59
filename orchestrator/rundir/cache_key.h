/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Content keys for components with `cache: true`: two scenarios with the
 * same key compute the same thing, so a later run may skip one that an
 * earlier run finished (cache_log.h says how it finds them).
 *
 * The key is the sha256 of a canonical serialization: a sequence of fields,
 * each a tag (a fixed name, NUL-terminated), the value's length as 8 bytes
 * big-endian, and the value's bytes, so no two field lists serialize alike.
 * In this order:
 *   version      CACHE_KEY_VERSION_TAG ("scalable-cache-key/" and
 *                CACHE_KEY_VERSION): the prelude's behaviour and this layout
 *   project, component   the names a template can insert ({{ project }},
 *                {{ component }}), and which outputs are which
 *   template     the text the component's template was compiled from (the
 *                built-in default's text when it names none)
 *   command      the command as written, or no field when there is none
 *   setup        the count, then each line
 *   env          the count, then each name and value, in order
 *   cpus         decimal: threads can change what a program computes
 *                (reduction order, a thread count passed on)
 *   inputs       the count, then each declared path as written and the
 *                lowercase hex sha256 of the file's bytes
 *   outputs      only when the component declares outputs: the count, then
 *                each pattern as written (a hit vouches for those files)
 *   params       per scenario: the count, then each name and value in the
 *                scenario set's order
 *
 * Left out on purpose: memory and walltime (they decide whether a task
 * finishes, not what it computes; an OOM or timeout retry must still hit),
 * the target and partition, the run's id, directory and wave. The rendered
 * script is not hashed: it embeds the run directory, run id, wave and group
 * name, and the group's memory and walltime, so no two runs would share it.
 * What it adds to the template (the prelude) is scalable's, and covered by
 * CACHE_KEY_VERSION; the code it adds (command, setup, env) is hashed above.
 *
 * The config-wide part is hashed once per component (input files are read
 * once), and each scenario's key continues from it.
 *
 * CACHE_KEY_VERSION names this algorithm; cache.jsonl records it beside each
 * key as key_version (absent: 1), and a lookup takes only records of the
 * current version (cache_log.h). A change that moves the key of an unchanged
 * component and scenario is a new version: every cached result is computed
 * once more, unless cache_log's reading can migrate the old keys
 * (docs/run-directory.md, "Versions of the digest and the cache key").
 *
 * Tests: orchestrator/rundir/test/test_cache_key.c (keys of a fixed
 * component, pinned), orchestrator/rundir/test/test_cache.c. */
#ifndef SCALABLE_CACHE_KEY_H
#define SCALABLE_CACHE_KEY_H

#include <stddef.h>

#include "config/config_file.h"
#include "lib/util/error.h"
#include "sha256.h"

/* 1: the algorithm above, since the first release. */
#define CACHE_KEY_VERSION 1
#define CACHE_KEY_STRINGIFY_(x) #x
#define CACHE_KEY_STRINGIFY(x) CACHE_KEY_STRINGIFY_(x)
/* The version field's value, the first thing hashed. */
#define CACHE_KEY_VERSION_TAG "scalable-cache-key/" CACHE_KEY_STRINGIFY(CACHE_KEY_VERSION)

struct cache_key_base {
	struct sha256 prefix;                   /* everything but the parameters */
	const struct scenario_set *scenarios;
};

/* Hashes what the component's scenarios share; reads every input file. A
 * missing or unreadable input is an error naming the component and file. */
int cache_key_prepare(const struct config *config, const struct component *component,
		      struct cache_key_base *out, struct error *err);
/* The sha256 of a file's bytes, as hex; -1 with errno set. */
int cache_hash_file(const char *path, char hex[SHA256_HEX_SIZE]);
/* The key of scenario index. */
void cache_key_of(const struct cache_key_base *base, size_t index,
		  unsigned char key[SHA256_DIGEST_SIZE]);
/* The same, as 64 lowercase hex digits (what cache.jsonl holds). */
void cache_key_hex(const struct cache_key_base *base, size_t index,
		   char hex[SHA256_HEX_SIZE]);

#endif
