/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sweepers.jsonl, the sweeper chain's write-ahead log (see sweeper_chain.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/jsonl_file.h"
#include "rfc3339.h"
#include "sweeper/sweeper_chain.h"

void sweeper_state_free(struct sweeper_state *state)
{
	free(state->job_ids);
	memset(state, 0, sizeof *state);
}

static int apply_intent(struct sweeper_state *s, json_t *record, unsigned n)
{
	json_int_t failed = 0;

	if (json_unpack(record, "{s?I}", "failed_passes", &failed) != 0 || failed < 0)
		return -1;
	s->newest = n;
	s->state = JOURNAL_UNCERTAIN;
	s->job_id = 0;
	s->failed_passes = (unsigned)failed;
	return 0;
}

static int apply_submitted(struct sweeper_state *s, json_t *record)
{
	json_int_t job_id;
	uint32_t *grown;

	if (json_unpack(record, "{s:I}", "job_id", &job_id) != 0 || job_id <= 0 ||
	    job_id > UINT32_MAX)
		return -1;
	grown = realloc(s->job_ids, (s->n_job_ids + 1) * sizeof *grown);
	if (!grown) {
		errno = ENOMEM;
		return -1;
	}
	s->job_ids = grown;
	s->job_ids[s->n_job_ids++] = (uint32_t)job_id;
	s->state = JOURNAL_SUBMITTED;
	s->job_id = (uint32_t)job_id;
	return 0;
}

/* One record; an answer about another sweeper than the newest is stale. */
static int apply(json_t *record, void *ctx)
{
	struct sweeper_state *s = ctx;
	const char *kind;
	json_int_t n;

	errno = 0;
	if (json_unpack(record, "{s:s, s:I}", "record", &kind, "sweeper", &n) != 0 || n < 1 ||
	    n > UINT32_MAX)
		return 0;  /* not ours to judge: skipped */
	if (!strcmp(kind, "intent"))
		apply_intent(s, record, (unsigned)n);
	else if ((unsigned)n != s->newest)
		return 0;
	else if (!strcmp(kind, "submitted"))
		return apply_submitted(s, record) != 0 && errno == ENOMEM;
	else if (!strcmp(kind, "submit_failed"))
		s->state = JOURNAL_SUBMIT_FAILED;
	else if (!strcmp(kind, "absent"))
		s->state = JOURNAL_ABSENT;
	return 0;
}

int sweeper_log_read(const char *run_dir, struct sweeper_state *out, struct error *err)
{
	char *path;
	int rc;

	memset(out, 0, sizeof *out);
	if (asprintf(&path, "%s/%s", run_dir, SWEEPER_LOG_FILE) < 0) {
		error_system(err, "cannot read %s/%s", run_dir, SWEEPER_LOG_FILE);
		return -1;
	}
	rc = jsonl_read(path, apply, out, NULL, err);
	if (rc > 0) {
		errno = ENOMEM;
		error_system(err, "cannot read %s", path);
	}
	free(path);
	if (rc != 0)
		sweeper_state_free(out);
	return rc ? -1 : 0;
}

/* Stamps and appends record durably; takes it. */
static int append(int fd, const char *path, json_t *record, struct error *err)
{
	char now[RFC3339_BUFSZ];
	int rc;

	if (!record) {
		errno = ENOMEM;
		error_system(err, "cannot write %s", path);
		return -1;
	}
	json_object_set_new(record, "timestamp", json_string(rfc3339_now(now, sizeof now)));
	rc = jsonl_append(fd, record, true, path, err);
	json_decref(record);
	return rc;
}

static json_t *new_record(const char *kind, unsigned sweeper)
{
	return json_pack("{s:s, s:i, s:s, s:I}", "event_type", "sweeper", "schema_version",
			 SWEEPER_SCHEMA_VERSION, "record", kind, "sweeper", (json_int_t)sweeper);
}

int sweeper_log_intent(int fd, const char *path, unsigned sweeper, const uint32_t *after,
		       size_t n_after, unsigned begin_delay_s, unsigned failed_passes,
		       struct error *err)
{
	json_t *record = new_record("intent", sweeper), *ids = json_array();

	for (size_t i = 0; ids && i < n_after; i++)
		json_array_append_new(ids, json_integer(after[i]));
	if (record && ids &&
	    json_object_update_new(record, json_pack("{s:O, s:I, s:I}", "after", ids,
						     "begin_delay_s", (json_int_t)begin_delay_s,
						     "failed_passes",
						     (json_int_t)failed_passes)) != 0) {
		json_decref(record);
		record = NULL;
	}
	json_decref(ids);
	return append(fd, path, record, err);
}

int sweeper_log_answer(int fd, const char *path, unsigned sweeper, uint32_t job_id,
		       const char *error, struct error *err)
{
	json_t *record;

	if (job_id) {
		record = new_record("submitted", sweeper);
		if (record)
			json_object_set_new(record, "job_id", json_integer(job_id));
	} else if (error) {
		record = new_record("submit_failed", sweeper);
		if (record)
			json_object_set_new(record, "error", json_string(error));
	} else {
		record = new_record("absent", sweeper);
	}
	return append(fd, path, record, err);
}
