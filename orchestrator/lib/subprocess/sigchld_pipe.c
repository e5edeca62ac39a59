/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The SIGCHLD self-pipe. */
#include "lib/subprocess/sigchld_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int pipe_fds[2] = { -1, -1 };
static unsigned users;
static struct sigaction previous;

/* Async-signal-safe: one non-blocking write, errno preserved. */
static void on_sigchld(int sig, siginfo_t *info, void *context)
{
	int saved = errno;

	(void)!write(pipe_fds[1], "c", 1);
	if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction)
		previous.sa_sigaction(sig, info, context);
	else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN)
		previous.sa_handler(sig);
	errno = saved;
}

/* Creates the pipe and installs the handler. */
static int install(void)
{
	struct sigaction sa;

	if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigchld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, &previous) != 0) {
		int saved = errno;

		close(pipe_fds[0]);
		close(pipe_fds[1]);
		pipe_fds[0] = pipe_fds[1] = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int sigchld_pipe_acquire(void)
{
	if (users == 0 && install() != 0)
		return -1;
	users++;
	return pipe_fds[0];
}

void sigchld_pipe_release(void)
{
	if (users == 0 || --users > 0)
		return;
	sigaction(SIGCHLD, &previous, NULL);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	pipe_fds[0] = pipe_fds[1] = -1;
}

void sigchld_pipe_drain(void)
{
	char buf[64];

	while (read(pipe_fds[0], buf, sizeof buf) > 0)
		;
}
