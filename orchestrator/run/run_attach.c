/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Re-attaching to a run (see run_session.h): find it, lock it, read what it
 * wrote, settle the journal's open questions, and rebuild the tracker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rundir/manifest_digest.h"
#include "rundir/run_owner.h"
#include "run/run_cache.h"
#include "run/run_session.h"
#include "run/run_start.h"
#include "run/run_window.h"

static void note(const struct run_session *s, const char *text)
{
	if (s->note)
		s->note(s->note_ctx, text);
}

/* Whether config is still what the run recorded: 0 yes, 1 no (*why says
 * why), -1 when its digest cannot be made. A digest of another
 * MANIFEST_DIGEST_VERSION than this scalable makes (a run recorded before or
 * after a change of the algorithm) is not compared: it would differ for an
 * unchanged config. The config is then taken as the run's own copy says, and
 * a note tells that its template and scenario files went unchecked. (A
 * migration, when an older version can still be computed, would compare
 * with that version here.) */
static int check_digest(struct run_session *s, const struct config *config,
			const char **why, struct error *err)
{
	char digest[SHA256_HEX_SIZE], text[400];

	if (s->record.manifest_lock_version != MANIFEST_DIGEST_VERSION) {
		snprintf(text, sizeof text, "run.json's manifest lock is of digest version %d, "
			 "this scalable makes version %d: not compared, so changes to the "
			 "run's template and scenario files since it started go unnoticed",
			 s->record.manifest_lock_version, MANIFEST_DIGEST_VERSION);
		note(s, text);
		return 0;
	}
	if (manifest_digest(config, digest, err) != 0)
		return -1;
	*why = "its template or scenario files have changed since it started";
	return strcmp(digest, s->record.manifest_digest) != 0;
}

/* manifest.yaml under the defaults the run recorded (run_start.h). */
static int load_recorded(const struct run_session *s, const char *manifest,
			 struct config **config, struct error *err)
{
	struct config_defaults defaults = { 0 };
	char *path = NULL;
	int rc = -1;

	if (asprintf(&path, "%s/%s", s->run->path, RUN_DEFAULTS_FILE) < 0)
		error_system(err, "%s", s->run->path);
	else if (config_defaults_read(path, SOURCE_RUN, &defaults, err) == 0)
		rc = config_load_with(manifest, s->record.source_manifest_path, &defaults,
				      config, err);
	config_defaults_clear(&defaults);
	free(path);
	return rc;
}

/* The config the run started from: its manifest.yaml, read as the file it
 * was copied from (relative paths start there), when its manifest digest is
 * still run.json's (templates and scenario files unchanged); otherwise the
 * run goes on without it, and config_problem says why. */
static void reload_config(struct run_session *s)
{
	struct config *config = NULL;
	const char *why = NULL;
	struct error err;
	char *manifest = NULL;
	int rc = -1;

	if (s->record.source_manifest_path &&
	    asprintf(&manifest, "%s/manifest.yaml", s->run->path) < 0)
		manifest = NULL;
	if (manifest && load_recorded(s, manifest, &config, &err) == 0)
		rc = check_digest(s, config, &why, &err);
	if (rc != 0) {
		if (manifest && !s->config_problem)
			s->config_problem = strdup(rc > 0 ? why : err.text);
		free(manifest);
		config_free(config);
		note(s, "the run's recorded config no longer loads as it did (a template or "
			"scenario file changed?): following it without its classify rules and "
			"target settings");
		return;
	}
	free(manifest);
	s->config = config;
	s->target = config_target(config, s->record.target_name);
	/* max_queued: auto is what the site said when the run began: the first
	 * wave's chunks, found again by their keys, were cut to it */
	if (s->target && s->target->max_queued_auto)
		config_set_max_queued(config, s->record.target_name,
				      run_window_recorded_max_queued(s));
}

/* Each submission the journal left unanswered: found in Slurm, or absent. */
static int resolve_uncertain(struct run_session *s, struct error *err)
{
	const struct journal_submission **open = NULL;
	size_t n = journal_uncertain(journal_state(s->journal), &open);
	char **keys = calloc(n + 1, sizeof *keys);
	int rc = keys ? 0 : -1;

	if (!keys)
		error_system(err, "cannot read the journal");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		uint32_t job_id;

		if (!(keys[i] = strdup(open[i]->key)) ||
		    backend_find_chunk(s->backend, open[i], &job_id, err) != 0)
			rc = -1;
		else if (job_id)
			rc = journal_submitted(s->journal, keys[i], job_id, err);
		else
			rc = journal_absent(s->journal, keys[i], err);
	}
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
	free(open);
	return rc;
}

/* Every submitted chunk into the tracker, then the events read again. */
static int replay_submissions(struct run_session *s, struct error *err)
{
	const struct journal_replay *replay = run_session_journal(s);

	for (size_t i = 0; i < replay->count; i++)
		if (replay->submissions[i].state == JOURNAL_SUBMITTED &&
		    run_session_track(s, &replay->submissions[i], err) != 0)
			return -1;
	return tracker_poll_events(s->tracker, err) < 0 ? -1 : 0;
}

/* run.json says the run ended but the journal has no `closed`: the
 * orchestrator died between the two (run_session_close). Finish its work. */
static int close_journal(struct run_session *s, struct error *err)
{
	if (s->read_only || s->record.status == RUN_STATUS_RUNNING ||
	    journal_state(s->journal)->closed)
		return 0;
	return journal_closed(s->journal, run_status_name(s->record.status), err);
}

/* The journal: for writing (and resolved), or as it was read. */
static int open_journal(struct run_session *s, struct error *err)
{
	if (s->read_only)
		return journal_replay(s->run->path, &s->replay, err);
	return journal_open(s->run->path, &s->journal, err);
}

static int attach(struct run_session *s, const struct run_session_spec *spec,
		  struct error *err)
{
	/* a run given by path may be another user's: look, never change it */
	if (run_dir_resolve(spec->runs_root, spec->run, &s->run, err) != 0 ||
	    (!s->read_only && run_check_owner(s->run, spec->command, err) != 0) ||
	    (!s->read_only && run_dir_lock(s->run, spec->command, err) != 0) ||
	    run_record_read(s->run->path, &s->record, err) != 0)
		return -1;
	s->provider = s->record.provider_name && !strcmp(s->record.provider_name, "local")
			      ? PROVIDER_LOCAL
			      : PROVIDER_SLURM;
	if (!s->read_only)
		reload_config(s);
	if (run_cache_open(s, err) != 0) {  /* e.g. an input file gone since */
		note(s, err->text);
		note(s, "what succeeds from now on is not stored in the cache");
	}
	if (open_journal(s, err) != 0 || run_session_open_tracker(s, err) != 0)
		return -1;
	if (!s->read_only && (run_session_open_backend(s, err) != 0 ||
			      resolve_uncertain(s, err) != 0 || close_journal(s, err) != 0))
		return -1;
	return replay_submissions(s, err);
}

int run_session_attach(const struct run_session_spec *spec, struct run_session **out,
		       struct error *err)
{
	struct run_session *s = run_session_new(spec->note, spec->note_ctx, err);

	if (!s)
		return -1;
	s->read_only = spec->read_only;
	if (attach(s, spec, err) != 0) {
		run_session_free(s);
		return -1;
	}
	*out = s;
	return 0;
}
