/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running an external command with captured output and a hard timeout
 * (see command_runner.h). */
#include "lib/subprocess/command_runner.h"
#include "lib/subprocess/child_spawn.h"
#include "lib/util/secret_env.h"
#include "monotonic.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define NO_DEADLINE (-1)
#define MAX_NAP_MS 50

struct child {
	pid_t pid;
	int fd[2];            /* read ends of stdout and stderr; -1 once closed */
};

/* Milliseconds left before deadline, for poll(): -1 when there is none. */
static int ms_left(int64_t deadline)
{
	int64_t left;

	if (deadline == NO_DEADLINE)
		return -1;
	left = deadline - monotonic_ms();
	if (left <= 0)
		return 0;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);  /* an interruption only shortens one nap */
}

/* True when the NAME= parts of two environment entries are equal. */
static bool same_name(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n) == 0 && (b[n] == '=' || b[n] == '\0');
}

static bool overridden(const char *entry, const char *const *extra)
{
	for (size_t i = 0; extra && extra[i]; i++)
		if (same_name(entry, extra[i]))
			return true;
	return false;
}

/* environ less its API keys (secret_env.h), with the extra entries
 * replacing same-named ones (pointers, not copies); NULL when out of
 * memory. */
static char **merge_env(const char *const *extra)
{
	size_t n_env = 0, n_extra = 0, n = 0;
	char **env;

	while (environ && environ[n_env])
		n_env++;
	while (extra && extra[n_extra])
		n_extra++;
	env = calloc(n_env + n_extra + 1, sizeof *env);
	if (!env)
		return NULL;
	for (size_t i = 0; i < n_env; i++)
		if (!overridden(environ[i], extra) && !secret_env_is(environ[i]))
			env[n++] = environ[i];
	for (size_t i = 0; i < n_extra; i++)
		env[n++] = (char *)extra[i];
	return env;
}

/* posix_spawn of the program found for argv[0], with our descriptors and
 * attributes; an errno value. */
static int spawn(const char *const *argv, char **env, int out, int err, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char *program = NULL;
	int rc = child_find_program(argv[0], &program);

	if (rc != 0)
		return rc;
	rc = child_spawn_file_actions(&fa, out, err);
	if (rc == 0) {
		rc = child_spawn_attributes(&attr);
		if (rc == 0) {
			rc = posix_spawn(pid, program, &fa, &attr, (char *const *)argv, env);
			posix_spawnattr_destroy(&attr);
		}
		posix_spawn_file_actions_destroy(&fa);
	}
	free(program);
	return rc;
}

static void set_start_error(struct command_result *r, const char *program, int errnum)
{
	bool searched = program && !strchr(program, '/');

	r->end = COMMAND_NOT_RUN;
	snprintf(r->error, sizeof r->error, "cannot run %s: %s%s", program ? program : "(no program)",
		 strerror(errnum), searched && errnum == ENOENT ? " (not found on PATH)" : "");
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Starts argv with stdout and stderr into new pipes whose read ends c keeps. */
static int start_child(const char *const *argv, const struct command_options *o,
		       struct child *c, struct command_result *r)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, rc = EINVAL;
	char **env = NULL;

	if (!argv || !argv[0])
		goto fail;
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		rc = errno;
		goto fail;
	}
	env = merge_env(o->env);
	rc = env ? spawn(argv, env, out[1], err[1], &c->pid) : ENOMEM;
fail:
	free(env);
	close_fd(&out[1]);
	close_fd(&err[1]);
	if (rc != 0) {
		close_fd(&out[0]);
		close_fd(&err[0]);
		set_start_error(r, argv ? argv[0] : NULL, rc);
		return -1;
	}
	c->fd[0] = out[0];
	c->fd[1] = err[0];
	return 0;
}

/* Reads one chunk from *fd into sb, dropping what goes beyond cap; closes
 * *fd at end of file. */
static void read_chunk(int *fd, struct strbuf *sb, bool *truncated, size_t cap)
{
	char chunk[65536];
	ssize_t n = read(*fd, chunk, sizeof chunk);
	size_t keep;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close_fd(fd);
		return;
	}
	keep = (size_t)n;
	if (cap && sb->len + keep > cap) {
		keep = cap > sb->len ? cap - sb->len : 0;
		*truncated = true;
	}
	if (keep && strbuf_append(sb, chunk, keep) != 0)
		*truncated = true;  /* out of memory: the rest is dropped too */
}

/* Reads both pipes until both are closed (true) or the deadline passes. */
static bool pump_output(struct child *c, struct command_result *r, size_t cap, int64_t deadline)
{
	struct strbuf *sinks[2] = { &r->out, &r->err };
	bool *truncated[2] = { &r->out_truncated, &r->err_truncated };

	while (c->fd[0] >= 0 || c->fd[1] >= 0) {
		struct pollfd p[2] = { { .fd = c->fd[0], .events = POLLIN },
				       { .fd = c->fd[1], .events = POLLIN } };
		int wait = ms_left(deadline), n;

		if (wait == 0)
			return false;
		n = poll(p, 2, wait);  /* a negative fd is skipped by poll */
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return false;
		for (int i = 0; i < 2 && n > 0; i++)
			if (p[i].revents)
				read_chunk(&c->fd[i], sinks[i], truncated[i], cap);
	}
	return true;
}

/* Waits until the child has exited or the deadline passes; with keep, the
 * child stays a zombie so that its pid (and process group) cannot be reused
 * while we signal the group. True once it has exited; *info says how. */
static bool wait_exit(pid_t pid, int64_t deadline, bool keep, siginfo_t *info)
{
	int flags = WEXITED | (keep ? WNOWAIT : 0) | (deadline == NO_DEADLINE ? 0 : WNOHANG);
	unsigned nap = 1;

	for (;;) {
		memset(info, 0, sizeof *info);
		if (waitid(P_PID, (id_t)pid, info, flags) != 0) {
			if (errno == EINTR)
				continue;
			info->si_code = 0;  /* ECHILD: SIGCHLD ignored, the status is lost */
			return true;
		}
		if (info->si_pid == pid)
			return true;
		if (ms_left(deadline) == 0)
			return false;
		sleep_ms(nap < (unsigned)ms_left(deadline) ? nap : (unsigned)ms_left(deadline));
		nap = nap * 2 > MAX_NAP_MS ? MAX_NAP_MS : nap * 2;
	}
}

/* The timeout passed: SIGTERM to the group, output drained through the grace
 * period, then SIGKILL to whatever of the group is left, and the child reaped. */
static void terminate(struct child *c, struct command_result *r, const struct command_options *o,
		      siginfo_t *info)
{
	unsigned grace = o->grace_ms ? o->grace_ms : COMMAND_DEFAULT_GRACE_MS;
	int64_t deadline = monotonic_ms() + grace;

	r->end = COMMAND_TIMED_OUT;
	kill(-c->pid, SIGTERM);
	pump_output(c, r, o->max_output, deadline);
	wait_exit(c->pid, deadline, true, info);
	kill(-c->pid, SIGKILL);
	wait_exit(c->pid, NO_DEADLINE, false, info);
}

/* Fills end, exit_code and signal from how the child ended. */
static void record_exit(struct command_result *r, const siginfo_t *info)
{
	bool killed = info->si_code == CLD_KILLED || info->si_code == CLD_DUMPED;

	if (r->end != COMMAND_TIMED_OUT)
		r->end = killed ? COMMAND_SIGNALED : COMMAND_EXITED;
	if (killed)
		r->signal = info->si_status;
	else
		r->exit_code = info->si_code == CLD_EXITED ? info->si_status : -1;
}

int command_run(const char *const *argv, const struct command_options *options,
		struct command_result *result)
{
	static const struct command_options defaults = { 0 };
	const struct command_options *o = options ? options : &defaults;
	struct child c = { .pid = -1, .fd = { -1, -1 } };
	int64_t deadline = o->timeout_ms ? monotonic_ms() + o->timeout_ms : NO_DEADLINE;
	siginfo_t info;

	memset(result, 0, sizeof *result);
	if (start_child(argv, o, &c, result) != 0)
		return -1;
	if (pump_output(&c, result, o->max_output, deadline) &&
	    wait_exit(c.pid, deadline, false, &info))
		result->end = COMMAND_EXITED;
	else
		terminate(&c, result, o, &info);
	close_fd(&c.fd[0]);
	close_fd(&c.fd[1]);
	record_exit(result, &info);
	return 0;
}

void command_result_free(struct command_result *result)
{
	strbuf_free(&result->out);
	strbuf_free(&result->err);
}

bool command_succeeded(const struct command_result *result)
{
	return result->end == COMMAND_EXITED && result->exit_code == 0;
}

void command_describe(const struct command_result *r, const struct command_options *o,
		      char *buf, size_t len)
{
	switch (r->end) {
	case COMMAND_NOT_RUN:
		snprintf(buf, len, "%s", r->error);
		break;
	case COMMAND_EXITED:
		snprintf(buf, len, "exited with status %d", r->exit_code);
		break;
	case COMMAND_SIGNALED:
		snprintf(buf, len, "killed by signal %d (%s)", r->signal, strsignal(r->signal));
		break;
	case COMMAND_TIMED_OUT:
		snprintf(buf, len, "timed out after %.3g s and was killed",
			 o ? o->timeout_ms / 1000.0 : 0.0);
		break;
	}
}
