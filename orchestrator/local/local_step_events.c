/* Writing a local array task's start and end step events. */
#include "local/local_step_events.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rfc3339.h"
#include "spool_append.h"
#include "step_event.h"

/* Renders ev and appends it to the step's file. */
static int append_event(int events_dirfd, const struct step_event *ev)
{
	char name[96];
	size_t len;
	char *line;
	int fd, rc, saved;

	if (step_event_file_name(ev->id.job_id, ev->id.step_id, ev->id.restart_count, name,
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

int local_step_event_start(int events_dirfd, const struct step_identity *id)
{
	struct step_event ev;

	step_event_init(&ev, "start", id);
	return append_event(events_dirfd, &ev);
}

int local_step_event_end(int events_dirfd, const struct step_identity *id,
			 const struct local_step_end *end)
{
	struct step_event ev;

	step_event_init(&ev, "end", id);
	ev.outcome = end->outcome;
	ev.has_outcome = true;
	ev.elapsed_s = end->elapsed_s;
	ev.max_rss_bytes = end->max_rss_bytes;
	ev.oom_kill_count = end->oom_kill_count;
	ev.inferred_cause = end->inferred_cause;
	ev.ntasks = 1;
	return append_event(events_dirfd, &ev);
}
