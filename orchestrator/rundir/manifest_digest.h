/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The manifest digest (run.json's manifest_lock): the sha256 of the
 * canonical manifest, so two runs can be told to have run the same thing
 * however the YAML was formatted.
 *
 * The canonical manifest is the loaded config as JSON, serialised compact
 * with keys sorted (jansson's JSON_COMPACT | JSON_SORT_KEYS: no spaces,
 * integers as integers, reals as %.17g, UTF-8) and no trailing newline. It
 * holds every value the loader kept, after defaults were filled in, except
 * where the file lives: version, project, targets (in order), default_target,
 * components (template files by the sha256 of their text, the built-in
 * default template as "default"), scenarios (kind, count, parameter names
 * and the sha256 of their scenarios.jsonl lines), retry (every class),
 * classify rules (in order), notify and ai. Comments, key order, quoting,
 * "16G" versus "16384M", and an omitted default do not change it; any change
 * of a value, a template or a scenario does.
 *
 * MANIFEST_DIGEST_VERSION names this algorithm (what the canonical manifest
 * holds and how it is serialised and hashed); run.json records it beside the
 * digest as manifest_lock_version (absent: 1). It is written into the
 * canonical manifest itself (manifest_schema_version), so digests of two
 * versions never coincide. A change that moves the digest of an unchanged
 * config is a new version: a run recorded with another version is not
 * compared (run_session.h), and docs/run-directory.md says what else to do.
 *
 * Tests: orchestrator/rundir/test/test_manifest_digest.c (the digest and the
 * canonical text of a fixed config, pinned), orchestrator/run/test/test_run_record.c. */
#ifndef SCALABLE_MANIFEST_DIGEST_H
#define SCALABLE_MANIFEST_DIGEST_H

#include <jansson.h>

#include "config/config_file.h"
#include "lib/util/error.h"
#include "sha256.h"

/* 1: the algorithm above, since the first release. */
#define MANIFEST_DIGEST_VERSION 1

/* The canonical manifest as a JSON value (the caller owns it). */
json_t *manifest_canonical_json(const struct config *config, struct error *err);
/* Its sha256, as 64 hex digits. */
int manifest_digest(const struct config *config, char hex[SHA256_HEX_SIZE], struct error *err);

#endif
