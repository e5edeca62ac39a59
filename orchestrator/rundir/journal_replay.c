/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replaying journal.jsonl into the state of every chunk (see journal.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rundir/journal_impl.h"
#include "lib/util/jsonl_file.h"

void journal_wave_name(unsigned number, char *buf, size_t len)
{
	snprintf(buf, len, "w%03u", number);
}

const struct journal_submission *journal_find(const struct journal_replay *replay,
					      const char *key)
{
	for (size_t i = replay->count; i-- > 0;)  /* recent ones are asked for most */
		if (!strcmp(replay->submissions[i].key, key))
			return &replay->submissions[i];
	return NULL;
}

bool journal_wave_is_done(const struct journal_replay *replay, const char *wave)
{
	for (size_t i = 0; i < replay->n_waves_done; i++)
		if (!strcmp(replay->waves_done[i], wave))
			return true;
	return false;
}

size_t journal_uncertain(const struct journal_replay *replay,
			 const struct journal_submission ***out)
{
	size_t n = 0;

	*out = calloc(replay->count + 1, sizeof **out);
	for (size_t i = 0; *out && i < replay->count; i++)
		if (replay->submissions[i].state == JOURNAL_UNCERTAIN)
			(*out)[n++] = &replay->submissions[i];
	return n;
}

static void submission_clear(struct journal_submission *s)
{
	free(s->key);
	free(s->wave);
	free(s->group);
	free(s->component);
	free(s->array);
	free(s->tasks);
	free(s->error);
	free(s->intent_at);
	memset(s, 0, sizeof *s);
}

void journal_replay_free(struct journal_replay *replay)
{
	for (size_t i = 0; i < replay->count; i++)
		submission_clear(&replay->submissions[i]);
	free(replay->submissions);
	for (size_t i = 0; i < replay->n_waves_done; i++)
		free(replay->waves_done[i]);
	free(replay->waves_done);
	free(replay->closed_status);
	memset(replay, 0, sizeof *replay);
}

/* [[index, attempt], ...] into a malloc'd array. */
static int tasks_from_json(json_t *list, struct journal_submission *s)
{
	size_t i;
	json_t *pair;

	s->n_tasks = json_array_size(list);
	if (!(s->tasks = calloc(s->n_tasks + 1, sizeof *s->tasks)))
		return -1;
	json_array_foreach(list, i, pair) {
		json_int_t index, attempt;

		if (json_unpack(pair, "[I, I]", &index, &attempt) != 0 || index < 0 || attempt < 1)
			return -1;
		s->tasks[i].index = (size_t)index;
		s->tasks[i].attempt = (unsigned)attempt;
	}
	return 0;
}

/* Fills s from an intent record; -1 when a field is missing. */
static int submission_from_intent(json_t *record, struct journal_submission *s)
{
	const char *key, *wave, *group, *component, *array, *at = "";
	json_int_t offset, cpus, memory, walltime, delay = 0, pack = 1;
	json_t *tasks;

	if (json_unpack(record, "{s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:{s:I, s:I, s:I}, "
			"s?I, s?s, s?I}", "key", &key, "wave", &wave, "group", &group,
			"component", &component, "offset", &offset, "array", &array,
			"tasks", &tasks, "resources", "cpus", &cpus, "memory_bytes", &memory,
			"walltime_s", &walltime, "begin_delay_s", &delay, "timestamp", &at,
			"pack", &pack) != 0 ||
	    !json_is_array(tasks) || pack < 1 || pack > UINT32_MAX)
		return -1;
	s->pack = (unsigned)pack;
	s->key = strdup(key);
	s->wave = strdup(wave);
	s->group = strdup(group);
	s->component = strdup(component);
	s->array = strdup(array);
	s->intent_at = strdup(at);
	s->offset = (size_t)offset;
	s->resources = (struct resources){ (unsigned)cpus, (uint64_t)memory, (uint64_t)walltime };
	s->begin_delay_s = (uint64_t)delay;
	s->state = JOURNAL_UNCERTAIN;
	if (!s->key || !s->wave || !s->group || !s->component || !s->array || !s->intent_at)
		return -1;
	return tasks_from_json(tasks, s);
}

/* "w012" -> 12; 0 for names of another shape. */
static unsigned wave_number(const char *wave)
{
	char *end;
	unsigned long n;

	if (wave[0] != 'w')
		return 0;
	n = strtoul(wave + 1, &end, 10);
	return *end || n > 1000000 ? 0 : (unsigned)n;
}

static int apply_intent(struct journal_replay *r, json_t *record)
{
	struct journal_submission fresh = { 0 };
	struct journal_submission *slot;
	unsigned number;

	if (submission_from_intent(record, &fresh) != 0) {
		submission_clear(&fresh);
		return -1;
	}
	slot = (struct journal_submission *)journal_find(r, fresh.key);
	if (!slot) {
		slot = realloc(r->submissions, (r->count + 1) * sizeof *slot);
		if (!slot) {
			submission_clear(&fresh);
			errno = ENOMEM;
			return -1;
		}
		r->submissions = slot;
		slot = &r->submissions[r->count++];
	} else {
		submission_clear(slot);  /* a chunk intended again after absent/failed/deferred */
	}
	*slot = fresh;
	number = wave_number(slot->wave);
	if (number > r->last_wave)
		r->last_wave = number;
	return 0;
}

/* submitted, submit_failed, absent, deferred: the answer about a key. */
static int apply_answer(struct journal_replay *r, json_t *record, const char *kind)
{
	const char *key, *why = NULL;
	json_int_t job_id = 0;
	struct journal_submission *s;

	if (json_unpack(record, "{s:s, s?I, s?s}", "key", &key, "job_id", &job_id,
			"error", &why) != 0 ||
	    !(s = (struct journal_submission *)journal_find(r, key)))
		return -1;
	if (!strcmp(kind, "submitted")) {
		if (job_id <= 0 || job_id > UINT32_MAX)
			return -1;
		s->state = JOURNAL_SUBMITTED;
		s->job_id = (uint32_t)job_id;
		return 0;
	}
	s->state = !strcmp(kind, "absent")     ? JOURNAL_ABSENT
		   : !strcmp(kind, "deferred") ? JOURNAL_DEFERRED
					       : JOURNAL_SUBMIT_FAILED;
	free(s->error);
	s->error = why ? strdup(why) : NULL;
	return 0;
}

static int apply_wave_done(struct journal_replay *r, json_t *record)
{
	const char *wave;
	char **waves;

	if (json_unpack(record, "{s:s}", "wave", &wave) != 0)
		return -1;
	if (journal_wave_is_done(r, wave))
		return 0;
	waves = realloc(r->waves_done, (r->n_waves_done + 1) * sizeof *waves);
	if (!waves || !(waves[r->n_waves_done] = strdup(wave))) {
		if (waves)
			r->waves_done = waves;
		errno = ENOMEM;
		return -1;
	}
	r->waves_done = waves;
	r->n_waves_done++;
	return 0;
}

static int apply_closed(struct journal_replay *r, json_t *record)
{
	const char *status;

	if (json_unpack(record, "{s:s}", "status", &status) != 0)
		return -1;
	free(r->closed_status);
	r->closed_status = strdup(status);
	r->closed = true;
	return 0;
}

int journal_apply(struct journal_replay *r, json_t *record)
{
	const char *kind;

	if (json_unpack(record, "{s:s}", "record", &kind) != 0)
		return -1;
	if (!strcmp(kind, "intent"))
		return apply_intent(r, record);
	if (!strcmp(kind, "submitted") || !strcmp(kind, "submit_failed") ||
	    !strcmp(kind, "absent") || !strcmp(kind, "deferred"))
		return apply_answer(r, record, kind);
	if (!strcmp(kind, "wave_done"))
		return apply_wave_done(r, record);
	if (!strcmp(kind, "closed"))
		return apply_closed(r, record);
	return -1;  /* a record of a later version: not ours to judge */
}

static int replay_record(json_t *record, void *ctx)
{
	struct journal_replay *r = ctx;

	errno = 0;
	if (journal_apply(r, record) != 0) {
		if (errno == ENOMEM)
			return 1;  /* stop: jsonl_read hands the 1 back */
		r->skipped_lines++;
	}
	return 0;
}

int journal_replay(const char *run_dir, struct journal_replay *out, struct error *err)
{
	char *path;
	size_t torn = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (asprintf(&path, "%s/%s", run_dir, JOURNAL_FILE) < 0) {
		error_system(err, "cannot read %s/%s", run_dir, JOURNAL_FILE);
		return -1;
	}
	rc = jsonl_read(path, replay_record, out, &torn, err);
	if (rc > 0) {
		errno = ENOMEM;
		error_system(err, "cannot replay %s", path);
	}
	out->skipped_lines += torn;
	free(path);
	if (rc != 0)
		journal_replay_free(out);
	return rc ? -1 : 0;
}
