/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tasks.jsonl and failures.jsonl writers (see telemetry.h). */
#include "rundir/telemetry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/jsonl_file.h"

struct telemetry {
	char *run_id, *provider;
	char *tasks_path, *failures_path;
	int tasks_fd, failures_fd;
};

void telemetry_close(struct telemetry *t)
{
	if (!t)
		return;
	if (t->tasks_fd >= 0)
		close(t->tasks_fd);
	if (t->failures_fd >= 0)
		close(t->failures_fd);
	free(t->run_id);
	free(t->provider);
	free(t->tasks_path);
	free(t->failures_path);
	free(t);
}

struct telemetry *telemetry_open(const char *run_dir, const char *run_id,
				 const char *provider, struct error *err)
{
	struct telemetry *t = calloc(1, sizeof *t);

	if (!t || !(t->run_id = strdup(run_id)) || !(t->provider = strdup(provider)) ||
	    asprintf(&t->tasks_path, "%s/%s", run_dir, TELEMETRY_TASKS_FILE) < 0 ||
	    asprintf(&t->failures_path, "%s/%s", run_dir, TELEMETRY_FAILURES_FILE) < 0) {
		error_system(err, "cannot open the telemetry of %s", run_dir);
		if (t)
			t->tasks_fd = t->failures_fd = -1;
		telemetry_close(t);
		return NULL;
	}
	t->failures_fd = -1;
	t->tasks_fd = jsonl_open_append(t->tasks_path, err);
	if (t->tasks_fd >= 0)
		t->failures_fd = jsonl_open_append(t->failures_path, err);
	if (t->failures_fd < 0) {
		telemetry_close(t);
		return NULL;
	}
	return t;
}

/* Appends a record built by the caller (and frees it). */
static int append(int fd, json_t *record, const char *path, struct error *err)
{
	int rc;

	if (!record) {
		errno = EINVAL;
		error_system(err, "cannot format a record for %s", path);
		return -1;
	}
	rc = jsonl_append(fd, record, false, path, err);
	json_decref(record);
	return rc;
}

int telemetry_write_task(struct telemetry *t, const struct task_row *row, struct error *err)
{
	return append(t->tasks_fd, task_row_json(row, t->run_id), t->tasks_path, err);
}

int telemetry_write_failure(struct telemetry *t, const struct failure_row *row,
			    struct error *err)
{
	return append(t->failures_fd, failure_row_json(row, t->run_id, t->provider),
		      t->failures_path, err);
}
