/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "child_process.h"
#include "monotonic.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* Exit status a child uses when it could not become the job user. */
#define CHILD_EXIT_DROP_FAILED 254

/* Closes descriptors in [from, to]; close_range may be missing on old kernels. */
static void close_fd_range(unsigned from, unsigned to)
{
	if (from > to)
		return;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, from, to, 0U) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	unsigned last = max > 0 && (unsigned long)max - 1 < to ? (unsigned)max - 1 : to;
	for (unsigned fd = from; fd <= last && fd < 65536; fd++)
		close((int)fd);
}

/* Closes every inherited descriptor above stderr except keep (the exit pipe). */
static void close_inherited_fds(int keep)
{
	close_fd_range(3, (unsigned)keep - 1);
	close_fd_range((unsigned)keep + 1, ~0U);
}

/* Drops to who for good and verifies it cannot come back; returns 0 or -1. */
static int drop_to_user(const struct job_identity *who)
{
	if (setgroups((size_t)(who->groups ? who->ngroups : 0), who->groups) != 0)
		return -1;
	if (setresgid(who->gid, who->gid, who->gid) != 0)
		return -1;
	if (setresuid(who->uid, who->uid, who->uid) != 0)
		return -1;
	if (who->uid != 0 && (setuid(0) == 0 || geteuid() != who->uid))
		return -1;
	return 0;
}

static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
}

void child_sanitize(int keep)
{
	reset_signals();
	if (keep < 0)
		close_fd_range(3, ~0U);
	else
		close_inherited_fds(keep);
}

static void child_main(const struct job_identity *who, int (*work)(void *), void *arg,
		       int exit_pipe)
{
	child_sanitize(exit_pipe);
	umask(022);
	if (who && drop_to_user(who) != 0)
		_exit(CHILD_EXIT_DROP_FAILED);
	int rc = work(arg);
	_exit(rc > 0 && rc < CHILD_EXIT_DROP_FAILED ? rc : (rc == 0 ? 0 : EIO));
}

/* True when the exit pipe reports end-of-file (the child exited) before timeout_ms. */
static bool wait_for_hangup(int exit_pipe, int timeout_ms)
{
	int64_t deadline = monotonic_ms() + timeout_ms;
	struct pollfd pfd = { .fd = exit_pipe, .events = POLLIN };
	for (;;) {
		int left = (int)(deadline - monotonic_ms());
		if (left <= 0)
			return false;
		int n = poll(&pfd, 1, left);
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

/* Children killed at their deadline and not reaped yet (stuck in the kernel,
 * or not dead the instant after SIGKILL): reaped later, never waited for
 * without a bound, so that slurmstepd is left no zombie of ours. */
#define PENDING_MAX 64
static pid_t pending[PENDING_MAX];
static size_t n_pending;

size_t child_reap_pending(int wait_ms)
{
	int64_t deadline = monotonic_ms() + wait_ms;

	for (;;) {
		for (size_t i = 0; i < n_pending;) {
			pid_t r = waitpid(pending[i], NULL, WNOHANG);

			if (r == pending[i] || (r < 0 && errno == ECHILD))  /* or reaped by slurmstepd */
				pending[i] = pending[--n_pending];
			else
				i++;
		}
		if (n_pending == 0 || monotonic_ms() >= deadline)
			return n_pending;
		(void)poll(NULL, 0, 5);
	}
}

void child_reap_later(pid_t pid)
{
	if (n_pending < PENDING_MAX)
		pending[n_pending++] = pid;
}

/* Waits for the child's exit with a hard bound; a late child is SIGKILLed. */
static enum child_result wait_bounded(pid_t pid, int exit_pipe, int timeout_ms, int *status)
{
	if (!wait_for_hangup(exit_pipe, timeout_ms)) {
		kill(pid, SIGKILL);
		/* A child stuck in uninterruptible I/O cannot be reaped now; never wait for it. */
		if (waitpid(pid, status, WNOHANG) != pid)
			child_reap_later(pid);
		return CHILD_TIMED_OUT;
	}
	pid_t r;
	do {
		r = waitpid(pid, status, 0);
	} while (r < 0 && errno == EINTR);
	return r == pid ? CHILD_OK : CHILD_LOST;
}

enum child_result run_in_child(const struct job_identity *who, int timeout_ms,
			       int (*work)(void *), void *arg, int *child_errno)
{
	*child_errno = 0;
	(void)child_reap_pending(0);
	/* The child holds the write end; its exit closes it and wakes poll() at once. */
	int exit_pipe[2];
	if (pipe2(exit_pipe, O_CLOEXEC) != 0) {
		*child_errno = errno;
		return CHILD_NOT_STARTED;
	}
	pid_t pid = fork();
	if (pid < 0) {
		*child_errno = errno;
		close(exit_pipe[0]);
		close(exit_pipe[1]);
		return CHILD_NOT_STARTED;
	}
	if (pid == 0) {
		close(exit_pipe[0]);
		child_main(who, work, arg, exit_pipe[1]);
	}
	close(exit_pipe[1]);
	int status = 0;
	enum child_result r = wait_bounded(pid, exit_pipe[0], timeout_ms, &status);
	close(exit_pipe[0]);
	if (r != CHILD_OK)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CHILD_OK;
	if (WIFEXITED(status))
		*child_errno = WEXITSTATUS(status) == CHILD_EXIT_DROP_FAILED ? EPERM : WEXITSTATUS(status);
	else
		*child_errno = EINTR;
	return CHILD_FAILED;
}

const char *child_result_name(enum child_result r)
{
	switch (r) {
	case CHILD_OK:          return "ok";
	case CHILD_FAILED:      return "failed";
	case CHILD_TIMED_OUT:   return "timed out";
	case CHILD_NOT_STARTED: return "fork failed";
	case CHILD_LOST:        return "reaped elsewhere";
	}
	return "unknown";
}
