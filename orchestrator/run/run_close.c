/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ending a run (see run_close.h). */
#include "run/run_close.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "export/export.h"
#include "lib/util/crash_point.h"
#include "run/notify.h"
#include "report/report.h"
#include "tracker/run_summary.h"

#define CANCEL_DRAIN_TICK_MS 200u

enum run_status run_final_status(const struct run_session *s)
{
	struct tracker_counts c;

	tracker_counts(s->tracker, NULL, &c);
	if (s->submit_failures == 0 && c.tasks > 0 &&
	    c.by_state[TASK_SUCCEEDED] + c.by_state[TASK_CACHED] == c.tasks)
		return RUN_STATUS_COMPLETED;
	return RUN_STATUS_FAILED;
}

/* <run_dir>/report.html for whoever opens the run in the morning; a
 * failure is one line on stderr (`scalable report` can write it later). */
static void write_closing_report(const struct run_session *s)
{
	struct error err;

	if (report_write(s->run->path, REPORT_HTML, NULL, &err) != 0)
		fprintf(stderr, "scalable: the run is closed, but its report was not written: %s "
			"(scalable report writes it)\n", err.text);
}

/* snapshots: the export's tables in <run_dir>/snapshots, in each format the
 * config asks for; a failure is a warning, never the run's outcome. */
static void write_snapshots(const struct run_session *s)
{
	enum export_format formats[EXPORT_FORMAT_COUNT];
	struct export_result results[EXPORT_FORMAT_COUNT];
	struct error err;
	size_t n = 0;
	char *dir;

	for (int f = 0; s->config && f < EXPORT_FORMAT_COUNT; f++)
		if (s->config->snapshots & (1u << f))  /* CONFIG_SNAPSHOT_* follow the enum */
			formats[n++] = (enum export_format)f;
	if (!n || asprintf(&dir, "%s/snapshots", s->run->path) < 0)
		return;
	if (export_run_formats(s->run->path, formats, n, dir, results, &err) != 0)
		fprintf(stderr, "scalable: warning: the run is closed, but its snapshots were not "
			"written: %s (scalable export writes them)\n", err.text);
	for (size_t i = 0; i < n; i++)
		export_result_free(&results[i]);
	free(dir);
}

int run_session_close(struct run_session *s, enum run_status status, struct error *err)
{
	json_t *summary = run_summary_json(s->tracker);

	if (!summary) {
		errno = ENOMEM;
		error_system(err, "cannot summarise the run");
		return -1;
	}
	crash_point("close");
	if (run_record_close(s->run->path, &s->record, status, summary, err) != 0)
		return -1;
	crash_point("closed");
	if (journal_closed(s->journal, run_status_name(status), err) != 0)
		return -1;
	/* after the close is durable; neither changes the run's outcome. The
	 * report first, so that the notification can point at it. */
	write_closing_report(s);
	write_snapshots(s);
	notify_run_closed(s->run->path, s->config ? &s->config->notify : NULL);
	return 0;
}

struct open_attempts {
	struct job_record *records;
	size_t n;
};

static void collect_open(const struct task_attempt *a, bool latest, void *ctx)
{
	struct open_attempts *o = ctx;

	if (!latest || task_state_is_final(a->state) || !o->records)
		return;
	job_record_cancelled(&o->records[o->n++], a->job_id, a->array_job_id, a->array_task_id);
}

/* Every attempt not final becomes cancelled. */
static int cancel_open_attempts(struct run_session *s, struct error *err)
{
	struct tracker_counts c;
	struct open_attempts o = { 0 };
	int rc;

	tracker_counts(s->tracker, NULL, &c);
	o.records = calloc(c.tasks + 1, sizeof *o.records);
	if (!o.records) {
		error_system(err, "cannot cancel the run");
		return -1;
	}
	tracker_foreach(s->tracker, collect_open, &o);
	rc = tracker_apply_jobs(s->tracker, o.records, o.n, err);
	free(o.records);
	return rc;
}

int run_session_cancel(struct run_session *s, struct error *err)
{
	uint32_t *ids = NULL;
	size_t n;
	int rc;

	if (tracker_poll_events(s->tracker, err) < 0)
		return -1;
	n = tracker_jobs_to_poll(s->tracker, &ids);
	rc = backend_cancel(s->backend, ids, n, err);
	free(ids);
	if (rc != 0 || cancel_open_attempts(s, err) != 0)
		return -1;
	while (backend_busy(s->backend))  /* local tasks: SIGTERM, then SIGKILL */
		backend_wait(s->backend, CANCEL_DRAIN_TICK_MS);
	if (tracker_poll_events(s->tracker, err) < 0)
		return -1;
	return run_session_close(s, RUN_STATUS_CANCELLED, err);
}

static char *cancel_path(const char *run_path)
{
	char *path;

	return asprintf(&path, "%s/%s", run_path, RUN_CANCEL_FILE) < 0 ? NULL : path;
}

int run_cancel_request(const char *run_path, struct error *err)
{
	char *path = cancel_path(run_path);
	int fd = path ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644) : -1;

	if (fd < 0) {
		error_system(err, "cannot ask for a cancel in %s", run_path);
		free(path);
		return -1;
	}
	close(fd);
	free(path);
	return 0;
}

bool run_cancel_requested(const char *run_path)
{
	char *path = cancel_path(run_path);
	bool asked = path && access(path, F_OK) == 0;

	free(path);
	return asked;
}
