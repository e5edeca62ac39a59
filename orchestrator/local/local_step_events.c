/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a local array task's start and end step events. */
#include "local/local_step_events.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/producer.h"
#include "rfc3339.h"
#include "spool_append.h"
#include "step_event.h"

/* The directory of the step's file in layout: events/ itself, or its
 * subdirectory (made if missing); -1 with errno. */
static int open_dir(int events_dirfd, int layout, const struct step_identity *id)
{
	char subdir[64];

	if (layout != STEP_EVENT_LAYOUT_FANNED)
		return dup(events_dirfd);
	if (step_event_subdir(id, subdir, sizeof subdir) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return spool_dir_open_at(events_dirfd, subdir, 0755);
}

/* The step's file opened through its subdirectory's path in one call, or
 * -1 when that directory is not there yet. The orchestrator runs as the
 * run's owner, in the owner's directory: no level to check one by one as
 * the plugin must (it runs as root). */
static int open_fanned(int events_dirfd, const struct step_identity *id, const char *name)
{
	char subdir[64], path[192];

	if (step_event_subdir(id, subdir, sizeof subdir) != 0 ||
	    (size_t)snprintf(path, sizeof path, "%s/%s", subdir, name) >= sizeof path)
		return -1;
	return spool_open_at(events_dirfd, path, 0644);
}

/* Opens the step's file for appending; -1 with errno. */
static int open_file(int events_dirfd, int layout, const struct step_identity *id)
{
	char name[96];
	int dirfd, fd, saved;

	if (step_event_file_name(id, name, sizeof name) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (layout == STEP_EVENT_LAYOUT_FANNED && (fd = open_fanned(events_dirfd, id, name)) >= 0)
		return fd;
	if ((dirfd = open_dir(events_dirfd, layout, id)) < 0)
		return -1;
	fd = spool_open_at(dirfd, name, 0644);
	saved = errno;
	close(dirfd);
	errno = saved;
	return fd;
}

/* Renders ev and appends it to the step's file. */
static int append_event(int events_dirfd, int layout, const struct step_event *ev)
{
	size_t len;
	char *line;
	int fd, rc, saved;

	line = step_event_to_json_line(ev, &len);
	if (!line)
		return -1;
	fd = open_file(events_dirfd, layout, &ev->id);
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

int local_step_event_start(int events_dirfd, int layout, const struct step_identity *id)
{
	struct step_event ev;

	step_event_init(&ev, "start", id);
	ev.producer = SCALABLE_PRODUCER;
	return append_event(events_dirfd, layout, &ev);
}

int local_step_event_sample(int events_dirfd, int layout, const struct step_identity *id,
			    double elapsed_s, const struct step_memory_sample *sample)
{
	struct step_event ev;

	step_event_init(&ev, "sample", id);
	ev.producer = SCALABLE_PRODUCER;
	ev.elapsed_s = elapsed_s;
	ev.sample = *sample;
	return append_event(events_dirfd, layout, &ev);
}

int local_step_event_end(int events_dirfd, int layout, const struct step_identity *id,
			 const struct local_step_end *end)
{
	struct step_event ev;

	step_event_init(&ev, "end", id);
	ev.producer = SCALABLE_PRODUCER;
	ev.outcome = end->outcome;
	ev.has_outcome = true;
	ev.elapsed_s = end->elapsed_s;
	ev.max_rss_bytes = end->max_rss_bytes;
	ev.oom_kill_count = end->oom_kill_count;
	ev.inferred_cause = end->inferred_cause;
	ev.ntasks = 1;
	return append_event(events_dirfd, layout, &ev);
}
