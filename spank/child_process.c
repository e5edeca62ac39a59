#include "child_process.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* Exit status a child uses when it could not become the job user. */
#define CHILD_EXIT_DROP_FAILED 254

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Closes every descriptor above stderr; close_range may be missing on old kernels. */
static void close_inherited_fds(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	for (long fd = 3; fd < (max > 0 ? max : 1024); fd++)
		close((int)fd);
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

static void child_main(const struct job_identity *who, int (*work)(void *), void *arg)
{
	reset_signals();
	close_inherited_fds();
	umask(022);
	if (who && drop_to_user(who) != 0)
		_exit(CHILD_EXIT_DROP_FAILED);
	int rc = work(arg);
	_exit(rc > 0 && rc < CHILD_EXIT_DROP_FAILED ? rc : (rc == 0 ? 0 : EIO));
}

/* Polls for the child's exit until the deadline with a growing sleep (0.2 ms to 20 ms). */
static enum child_result wait_bounded(pid_t pid, int timeout_ms, int *status)
{
	int64_t deadline = monotonic_ms() + timeout_ms;
	long sleep_ns = 200000;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return CHILD_OK;
		if (r < 0 && errno != EINTR)
			return CHILD_LOST;
		if (monotonic_ms() >= deadline)
			break;
		struct timespec ts = { 0, sleep_ns };
		nanosleep(&ts, NULL);
		if (sleep_ns < 20000000)
			sleep_ns *= 2;
	}
	kill(pid, SIGKILL);
	/* A child stuck in uninterruptible I/O cannot be reaped now; never wait for it. */
	(void)waitpid(pid, status, WNOHANG);
	return CHILD_TIMED_OUT;
}

enum child_result run_in_child(const struct job_identity *who, int timeout_ms,
			       int (*work)(void *), void *arg, int *child_errno)
{
	*child_errno = 0;
	pid_t pid = fork();
	if (pid < 0) {
		*child_errno = errno;
		return CHILD_NOT_STARTED;
	}
	if (pid == 0)
		child_main(who, work, arg);

	int status = 0;
	enum child_result r = wait_bounded(pid, timeout_ms, &status);
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
