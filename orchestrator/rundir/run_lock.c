/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The run's lock (see run_lock.h). */
#include "rundir/run_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/util/exit_codes.h"

static char *lock_path(const char *run_path)
{
	char *path;

	return asprintf(&path, "%s/%s", run_path, RUN_LOCK_FILE) < 0 ? NULL : path;
}

/* Replaces the file's content with who holds the lock now. */
static void write_holder(int fd, const char *command)
{
	char host[256] = "", since[RFC3339_BUFSZ];
	json_t *who;
	char *text;

	gethostname(host, sizeof host - 1);
	who = json_pack("{s:I, s:s, s:s, s:s}", "pid", (json_int_t)getpid(), "host", host,
			"command", command, "since", rfc3339_now(since, sizeof since));
	text = who ? json_dumps(who, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (text && ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, text, strlen(text), 0);
	free(text);
	json_decref(who);
}

int run_lock_read_holder(const char *run_path, struct run_lock_holder *holder)
{
	char *path = lock_path(run_path);
	json_t *who = path ? json_load_file(path, 0, NULL) : NULL;
	const char *host = "", *command = "", *since = "";
	json_int_t pid = 0;
	int rc;

	free(path);
	rc = json_unpack(who, "{s:I, s?s, s?s, s?s}", "pid", &pid, "host", &host,
			 "command", &command, "since", &since);
	if (rc == 0) {
		holder->pid = (long)pid;
		snprintf(holder->host, sizeof holder->host, "%s", host);
		snprintf(holder->command, sizeof holder->command, "%s", command);
		snprintf(holder->since, sizeof holder->since, "%s", since);
	}
	json_decref(who);
	return rc == 0 ? 0 : -1;
}

/* The message for a run someone else holds. */
static void locked_error(const char *run_path, struct error *err)
{
	struct run_lock_holder h;

	if (run_lock_read_holder(run_path, &h) == 0)
		error_usage(err, "%s is in use by another orchestrator: pid %ld on %s "
			    "(scalable %s, since %s); wait for it to end, or stop it and "
			    "re-attach with `scalable watch`", run_path, h.pid, h.host,
			    h.command, h.since);
	else
		error_usage(err, "%s is in use by another orchestrator (it has not said "
			    "who yet); wait for it to end, or stop it and re-attach with "
			    "`scalable watch`", run_path);
	err->exit_code = SCALABLE_EXIT_LOCKED;
}

int run_lock_take(const char *run_path, const char *command, struct error *err)
{
	char *path = lock_path(run_path);
	int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644) : -1;

	if (fd < 0) {
		error_system(err, "cannot open the lock %s/%s", run_path, RUN_LOCK_FILE);
		free(path);
		return -1;
	}
	free(path);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			locked_error(run_path, err);
		else
			error_system(err, "cannot lock %s/%s", run_path, RUN_LOCK_FILE);
		close(fd);
		return -1;
	}
	write_holder(fd, command);
	return fd;
}

void run_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);  /* closing the only descriptor drops the flock */
}
