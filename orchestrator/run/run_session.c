/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every way of holding a run shares (see run_session.h). */
#include "run/run_session.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/crash_point.h"
#include "rfc3339.h"
#include "run/run_cache.h"
#include "run/run_outputs.h"

struct run_session *run_session_new(run_note_fn note, void *note_ctx, struct error *err)
{
	struct run_session *s = calloc(1, sizeof *s);

	if (!s) {
		error_system(err, "cannot open the run");
		return NULL;
	}
	s->note = note;
	s->note_ctx = note_ctx;
	return s;
}

void run_session_free(struct run_session *s)
{
	if (!s)
		return;
	backend_free(s->backend);
	tracker_free(s->tracker);
	retry_context_clear(&s->retry);
	run_cache_free(s->cache);
	journal_close(s->journal);
	journal_replay_free(&s->replay);
	run_record_clear(&s->record);
	run_dir_free(s->run);
	config_free(s->config);
	free(s->config_problem);
	free(s);
}

const struct journal_replay *run_session_journal(const struct run_session *s)
{
	return s->journal ? journal_state(s->journal) : &s->replay;
}

unsigned run_session_poll_interval(const struct run_session *s)
{
	if (s->target && s->target->poll_interval_s)
		return (unsigned)s->target->poll_interval_s;
	return CONFIG_DEFAULT_POLL_INTERVAL_S;
}

/* The crash points of rows (crash_point.h): each row, right after it is written. */
static void crash_after_row(enum tracker_row row, void *ctx)
{
	(void)ctx;
	crash_point(row == TRACKER_FAILURE_ROW ? "failure_row" : "task_row");
}

int run_session_open_tracker(struct run_session *s, struct error *err)
{
	struct tracker_options o = {
		.run_dir = s->run->path,
		.run_id = s->run->id,
		.provider = provider_name(s->provider),
		.rules = s->config ? s->config->rules : NULL,
		.n_rules = s->config ? s->config->n_rules : 0,
		/* no scheduler has a word after a local step */
		.settle_on_end_event = s->provider == PROVIDER_LOCAL,
		.read_only = s->read_only,
		.layout = s->record.layout,
		/* a no-op until run_cache_open finds a component that caches */
		.on_success = run_cache_on_success,
		.on_success_ctx = s,
		.check_outputs = run_outputs_check,
		.check_outputs_ctx = s,
		.on_row = crash_after_row,
	};

	/* re-attached without its config: no policies to decide by */
	if (s->config) {
		s->retry = (struct retry_context){
			.config = s->config,
			.slurm_requeues = s->target && s->target->provider == PROVIDER_SLURM &&
					  s->target->requeue,
			.random = retry_random_system(),
			.slurm = s->target && s->target->provider == PROVIDER_SLURM,
			.partition = s->target ? s->target->partition : NULL,
		};
		o.retry = retry_tracker_hooks(&s->retry);
	}
	s->tracker = tracker_new(&o, err);
	/* before rebuild: decisions made while replaying count earlier attempts */
	s->retry.tracker = s->tracker;
	return s->tracker && tracker_rebuild(s->tracker, err) == 0 ? 0 : -1;
}

/* The first local job id no submission of the journal has used. */
static uint32_t next_local_job_id(const struct journal_replay *replay)
{
	uint32_t next = 1;

	for (size_t i = 0; i < replay->count; i++) {
		const struct journal_submission *sub = &replay->submissions[i];

		if (sub->job_id && sub->job_id + sub->n_tasks > next)
			next = sub->job_id + (uint32_t)sub->n_tasks;
	}
	return next;
}

int run_session_open_backend(struct run_session *s, struct error *err)
{
	struct timespec started = { 0 };
	struct backend_options o = {
		.provider = s->provider,
		.run_dir = s->run->path,
		.run_id = s->run->id,
		.project = s->record.project_name ? s->record.project_name : "project",
		.target = s->target,
		.next_local_job_id = next_local_job_id(run_session_journal(s)),
		.note = s->note,
		.note_ctx = s->note_ctx,
	};

	o.since = rfc3339_parse(s->record.started_at, &started) == 0 ? started.tv_sec
								       : time(NULL) - 86400;
	s->backend = backend_new(&o, err);
	return s->backend ? 0 : -1;
}

int run_session_track(struct run_session *s, const struct journal_submission *sub,
		      struct error *err)
{
	struct tracker_submission ts = {
		.component = sub->component, .wave = sub->wave, .offset = sub->offset,
		.tasks = sub->tasks, .n_tasks = sub->n_tasks, .pack = sub->pack,
		.resources = sub->resources, .array_job_id = sub->job_id,
		.timestamp = sub->intent_at,
	};

	return tracker_add_submission(s->tracker, &ts, err);
}
