/* Writing a local array task's start and end step events. */
#include "local_step_events.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rfc3339.h"
#include "spool_append.h"
#include "step_event.h"

/* The fields every event of this step carries. */
static void fill_common(struct step_event *ev, const char *name,
			const struct local_step_facts *f)
{
	memset(ev, 0, sizeof *ev);
	ev->event = name;
	rfc3339_now(ev->timestamp, sizeof ev->timestamp);
	ev->job_id = f->job_id;
	ev->array_job_id = f->array_job_id;
	ev->array_task_id = f->array_task_id;
	ev->step_id = STEP_ID_BATCH;
	ev->restart_count = 0;
	ev->node = f->node;
	ev->uid = getuid();
	ev->pid = f->pid;
	ev->run_id = f->run_id;
	ev->task_id = f->task_id;
	ev->attempt = f->attempt;
	ev->time_limit_s = f->time_limit_s;
	ev->mem_limit_bytes = f->mem_limit_bytes;
	ev->max_rss_bytes = -1;
	ev->oom_kill_count = -1;
}

/* Renders ev and appends it to the step's file. */
static int append_event(int events_dirfd, const struct step_event *ev)
{
	char name[96];
	size_t len;
	char *line;
	int fd, rc, saved;

	if (step_event_file_name(ev->job_id, ev->step_id, ev->restart_count, name,
				 sizeof name) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	line = step_event_to_json_line(ev, &len);
	if (!line)
		return -1;
	fd = spool_open_at(events_dirfd, name, 0644);
	if (fd < 0) {
		saved = errno;
		free(line);
		errno = saved;
		return -1;
	}
	rc = spool_append_line(fd, line, len);
	saved = errno;
	free(line);
	if (close(fd) != 0 && rc == 0) /* NFS reports write errors at close */
		return -1;
	errno = saved;
	return rc;
}

int local_step_event_start(int events_dirfd, const struct local_step_facts *facts)
{
	struct step_event ev;

	fill_common(&ev, "start", facts);
	return append_event(events_dirfd, &ev);
}

int local_step_event_end(int events_dirfd, const struct local_step_facts *facts,
			 const struct local_step_end *end)
{
	struct step_event ev;

	fill_common(&ev, "end", facts);
	ev.outcome = end->outcome;
	ev.has_outcome = true;
	ev.elapsed_s = end->elapsed_s;
	ev.max_rss_bytes = end->max_rss_bytes;
	ev.oom_kill_count = end->oom_kill_count;
	ev.inferred_cause = end->inferred_cause;
	ev.ntasks = 1;
	return append_event(events_dirfd, &ev);
}
