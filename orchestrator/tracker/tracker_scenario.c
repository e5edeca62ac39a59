/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scenario records of packed array tasks into the tracker (see tracker.h,
 * "Packs", and scenario_record.h). Read again from offset 0 after a
 * re-attach, and once more directly when their pack ends: applying one
 * twice changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event_file.h"
#include "plan/log_paths.h"
#include "scenario_record.h"
#include "step_event.h"
#include "tracker/tracker_impl.h"

/* The scenario ended: its own exit settles it at once. */
static int scenario_end(struct tracker *t, struct task_attempt *a,
			const struct scenario_record_fields *f, struct error *err)
{
	if (a->end_seen)
		return 0;
	tracker_tally(t, a, false);
	a->end_seen = a->started = true;
	tracker_tally(t, a, true);
	a->exit_code = (int)f->exit_code;
	a->signal = f->signal > 0 ? (int)f->signal : 0;
	a->duration_s = f->elapsed_s;
	a->max_rss_bytes = f->max_rss_bytes;
	a->oom_kill_count = f->oom_kill_count;
	snprintf(a->inferred_cause, sizeof a->inferred_cause, "%s",
		 f->oom_kill_count > 0 ? "oom" : a->signal ? "signaled" : "exited");
	snprintf(a->ended_at, sizeof a->ended_at, "%s", f->timestamp ? f->timestamp : "");
	if (f->exit_code == 0 && a->signal == 0)
		return attempt_succeeded(t, a, f->timestamp, err);
	return attempt_failed(t, a, f->timestamp, err);
}

static int apply_to(struct tracker *t, struct task_attempt *a,
		    const struct scenario_record_fields *f, struct error *err)
{
	unsigned restart = f->restart_count > 0 ? (unsigned)f->restart_count : 0;

	if (restart < a->restart_count)
		return 0;  /* from a run of the pack Slurm has requeued since */
	if (!task_state_is_final(a->state) &&
	    attempt_requeued(t, a, restart, f->timestamp, err) != 0)
		return -1;
	if (task_state_is_final(a->state))
		return 0;
	if (f->job_id > 0 && f->job_id <= UINT32_MAX)
		a->job_id = (uint32_t)f->job_id;
	if (f->node)
		snprintf(a->node, sizeof a->node, "%s", f->node);
	if (f->end)
		return scenario_end(t, a, f, err);
	a->started = true;
	return attempt_running(t, a, f->timestamp, err);
}

int tracker_apply_scenario(struct tracker *t, json_t *event, struct error *err)
{
	struct scenario_record_fields f;
	struct task_attempt *a;

	if (scenario_record_parse(event, &f) != 0 || (f.run_id && strcmp(f.run_id, t->run_id)))
		return 0;
	a = tracker_attempt(t, f.component, (size_t)f.task_id, (unsigned)f.attempt, false);
	if (!a)
		return 2;
	return apply_to(t, a, &f, err) == 0 ? 1 : -1;
}

struct read_ctx {
	struct tracker *t;
	struct error *err;
	int rc;
};

static int on_record(const char *file_name, json_t *record, void *vctx)
{
	struct read_ctx *c = vctx;

	(void)file_name;
	if (tracker_apply_scenario(c->t, record, c->err) < 0)
		c->rc = -1;
	return c->rc;
}

/* Opens the directory of path below <run_dir>/events/ one level at a time
 * without following a link (a task writes there: event_tree.c does the
 * same); *base gets the file's name. -1 with errno. */
static int open_records_dir(const struct tracker *t, char *path, const char **base)
{
	size_t skip = strlen(t->run_dir) + 1;
	char *part = path + skip, *slash;
	int fd = -1;

	*base = strrchr(path, '/') + 1;
	for (int at = AT_FDCWD; (slash = strchr(part, '/')) != NULL; at = fd, part = slash + 1) {
		*slash = '\0';
		fd = openat(at, at == AT_FDCWD ? path : part,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC | (at == AT_FDCWD ? 0 : O_NOFOLLOW));
		*slash = '/';
		if (at != AT_FDCWD)
			close(at);
		if (fd < 0)
			return -1;
	}
	return fd;
}

/* Reads the pack's record file as the event reader would (event_file.h):
 * never through a link, never blocking, lines of another array task or
 * restart skipped. Gone, or not a file to be read: nothing to read. */
static int read_records(struct tracker *t, char *path, struct error *err)
{
	struct read_ctx c = { t, err, 0 };
	char *buf = NULL;
	size_t cap = 0;
	struct event_file f = { .name = NULL };
	struct event_file_pass pass = { .handler = on_record, .ctx = &c, .buf = &buf,
					.buf_cap = &cap };
	int fd = open_records_dir(t, path, (const char **)&f.name), rc;

	if (fd < 0 && errno != EMFILE && errno != ENFILE && errno != ENOMEM)
		return 0;  /* gone, or made unreadable by a task: the event reader says so */
	if (fd < 0) {
		error_system(err, "cannot read %s", path);
		return -1;
	}
	event_name_parse(f.name, &f.id);  /* scenario_record_path's name: a pack's */
	rc = event_file_read(&f, fd, &pass);
	close(fd);
	free(buf);
	if (rc == -1 && c.rc == 0)
		error_system(err, "cannot read %s", path);
	return c.rc != 0 || rc == -1 ? -1 : 0;
}

int tracker_pack_read_records(struct tracker *t, const struct tracked_pack *p,
			      struct error *err)
{
	char path[4096], job[16], task[16], restart[16], bucket[40];

	snprintf(job, sizeof job, "%u", p->array_job_id);
	snprintf(task, sizeof task, "%u", p->array_task_id);
	snprintf(restart, sizeof restart, "%u", p->restart_count);
	snprintf(bucket, sizeof bucket, "%u/%u", p->array_job_id,
		 p->array_task_id / STEP_EVENT_BUCKET);
	if (scenario_record_path(path, sizeof path, t->run_dir,
				 t->layout == RUN_LAYOUT_FANNED ? bucket : NULL, job, task,
				 restart) != 0) {
		errno = ENAMETOOLONG;
		error_system(err, "the records of pack %s_%s", job, task);
		return -1;
	}
	return read_records(t, path, err);
}
