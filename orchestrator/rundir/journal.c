/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Appending to journal.jsonl (see journal.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rundir/journal_impl.h"
#include "lib/util/jsonl_file.h"
#include "rfc3339.h"

struct journal {
	char *path;
	int fd;
	struct journal_replay state;
};

int journal_open(const char *run_dir, struct journal **out, struct error *err)
{
	struct journal *j = calloc(1, sizeof *j);

	if (!j || asprintf(&j->path, "%s/%s", run_dir, JOURNAL_FILE) < 0) {
		error_system(err, "cannot open %s/%s", run_dir, JOURNAL_FILE);
		free(j);
		return -1;
	}
	j->fd = -1;
	if (journal_replay(run_dir, &j->state, err) != 0 ||
	    (j->fd = jsonl_open_append(j->path, err)) < 0) {
		journal_close(j);
		return -1;
	}
	*out = j;
	return 0;
}

const struct journal_replay *journal_state(const struct journal *j)
{
	return &j->state;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	journal_replay_free(&j->state);
	free(j->path);
	free(j);
}

/* Stamps, writes durably, then applies the record to the state; takes it. */
static int commit(struct journal *j, json_t *record, struct error *err)
{
	char now[RFC3339_BUFSZ];
	int rc = -1;

	if (!record) {
		errno = ENOMEM;
		error_system(err, "cannot write %s", j->path);
		return -1;
	}
	json_object_set_new(record, "timestamp", json_string(rfc3339_now(now, sizeof now)));
	if (jsonl_append(j->fd, record, true, j->path, err) == 0) {
		rc = journal_apply(&j->state, record);
		if (rc != 0)
			error_system(err, "cannot keep the state of %s", j->path);
	}
	json_decref(record);
	return rc;
}

static json_t *new_record(const char *kind)
{
	return json_pack("{s:s, s:i, s:s}", "event_type", "journal", "schema_version",
			 JOURNAL_SCHEMA_VERSION, "record", kind);
}

static json_t *tasks_json(const struct plan_task *tasks, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < n; i++)
		json_array_append_new(list, json_pack("[I, I]", (json_int_t)tasks[i].index,
						      (json_int_t)tasks[i].attempt));
	return list;
}

/* Refuses a chunk that is queued, or may be. */
static int check_not_submitted(const struct journal *j, const char *key, struct error *err)
{
	const struct journal_submission *s = journal_find(&j->state, key);

	if (s && s->state == JOURNAL_SUBMITTED) {
		errno = EEXIST;
		error_system(err, "chunk %s was already submitted as job %u", key, s->job_id);
		return -1;
	}
	if (s && s->state == JOURNAL_UNCERTAIN) {
		errno = EEXIST;
		error_system(err, "chunk %s may already be queued (its intent has no answer): "
			     "look for it in Slurm first", key);
		return -1;
	}
	return 0;
}

int journal_intent(struct journal *j, const struct journal_intent *in, char *key_out,
		   struct error *err)
{
	json_t *record;

	if (job_naming_chunk_key(in->wave, in->group, in->offset, key_out,
				 JOURNAL_KEY_MAX) != 0) {
		errno = ENAMETOOLONG;
		error_system(err, "chunk %s/%s", in->wave, in->group);
		return -1;
	}
	if (check_not_submitted(j, key_out, err) != 0)
		return -1;
	record = new_record("intent");
	if (record && json_object_update_new(record, json_pack(
			"{s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:{s:I, s:I, s:I}, s:I}",
			"key", key_out, "wave", in->wave, "group", in->group,
			"component", in->component, "offset", (json_int_t)in->offset,
			"array", in->array, "tasks", tasks_json(in->tasks, in->n_tasks),
			"resources", "cpus", (json_int_t)in->resources.cpus,
			"memory_bytes", (json_int_t)in->resources.memory_bytes,
			"walltime_s", (json_int_t)in->resources.walltime_s,
			"begin_delay_s", (json_int_t)in->begin_delay_s)) != 0) {
		json_decref(record);
		record = NULL;
	}
	/* added: scenarios per array task, only when packed */
	if (record && in->pack > 1 &&
	    json_object_set_new(record, "pack", json_integer(in->pack)) != 0) {
		json_decref(record);
		record = NULL;
	}
	return commit(j, record, err);
}

/* A record about one key, with the fields of extra (taken) added. */
static int answer(struct journal *j, const char *kind, const char *key, json_t *extra,
		  struct error *err)
{
	json_t *record = extra ? new_record(kind) : NULL;

	if (!journal_find(&j->state, key)) {
		errno = ENOENT;
		error_system(err, "no intent for chunk %s in %s", key, j->path);
		json_decref(record);
		json_decref(extra);
		return -1;
	}
	if (record && (json_object_set_new(record, "key", json_string(key)) != 0 ||
		       json_object_update(record, extra) != 0)) {
		json_decref(record);
		record = NULL;
	}
	json_decref(extra);
	return commit(j, record, err);
}

int journal_submitted(struct journal *j, const char *key, uint32_t job_id, struct error *err)
{
	return answer(j, "submitted", key, json_pack("{s:I}", "job_id", (json_int_t)job_id), err);
}

int journal_submit_failed(struct journal *j, const char *key, const char *why,
			  struct error *err)
{
	return answer(j, "submit_failed", key, json_pack("{s:s}", "error", why ? why : ""), err);
}

int journal_absent(struct journal *j, const char *key, struct error *err)
{
	return answer(j, "absent", key, json_object(), err);
}

int journal_deferred(struct journal *j, const char *key, const char *why, struct error *err)
{
	return answer(j, "deferred", key, json_pack("{s:s}", "error", why ? why : ""), err);
}

int journal_wave_done(struct journal *j, const char *wave, struct error *err)
{
	json_t *record = new_record("wave_done");

	if (record)
		json_object_set_new(record, "wave", json_string(wave));
	return commit(j, record, err);
}

int journal_closed(struct journal *j, const char *status, struct error *err)
{
	json_t *record = new_record("closed");

	if (record)
		json_object_set_new(record, "status", json_string(status));
	return commit(j, record, err);
}
