/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "step_sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "cgroup_escape.h"
#include "child_process.h"
#include "memory_threshold.h"
#include "monotonic.h"

/* What the sampler tells slurmstepd, in a page they share: no pipe to fill
 * up on a step that stays above 90 % for days, and nothing to read until
 * the end. */
struct sampler_shared {
	atomic_uint delivered;
	atomic_uint failed;
	atomic_bool writing;
};

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void send_sample(const struct sampler_plan *p, struct sampler_shared *shared,
			const struct cgroup_memory_now *now, const char *threshold)
{
	struct step_event ev;
	step_event_init(&ev, "sample", &p->id);
	ev.producer = p->producer;
	ev.elapsed_s = seconds_since(&p->started);
	ev.sample = (struct step_memory_sample){
		.current_bytes = now->current_bytes, .peak_bytes = now->peak_bytes,
		.limit_bytes = now->limit_bytes,
		.percent = memory_percent(now->current_bytes, now->limit_bytes),
		.threshold = threshold, .oom_count = now->oom_count,
		.oom_kill_count = now->oom_kill_count, .max_count = now->max_count,
		.high_count = now->high_count,
	};
	size_t len = 0;
	char *line = step_event_to_json_line(&ev, &len);
	if (!line) {
		atomic_fetch_add(&shared->failed, 1);
		return;
	}
	atomic_store(&shared->writing, true);
	int rc = p->deliver(p->ctx, line, len);
	atomic_store(&shared->writing, false);
	atomic_fetch_add(rc == 0 ? &shared->delivered : &shared->failed, 1);
	free(line);
}

/* Leaves the job's cgroups (the memory controller's first), so that the
 * sampler and what it forks are charged to slurmstepd's infrastructure. */
static void leave_job_cgroups(const char *cgroup_root)
{
	char text[4096];
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	(void)cgroup_escape_job(text, cgroup_root);
}

static _Noreturn void sampler_main(const struct sampler_plan *p, int fd, pid_t parent,
				   struct sampler_shared *shared)
{
	/* dies with slurmstepd (the thread that forked it, in fact: the socket's
	 * hangup below covers the process) */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	(void)setpgid(0, 0);   /* the end kills it and what it forked as one group */
	if (p->escape_root)
		leave_job_cgroups(p->escape_root);
	child_sanitize(fd);
	struct memory_threshold t;
	memory_threshold_init(&t, p->interval_ms);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n = poll(&pfd, 1, p->interval_ms);
		if (n > 0 || (n < 0 && errno != EINTR))
			_exit(0);   /* shut down by the step's end, or slurmstepd is gone */
		if (n < 0)
			continue;
		struct cgroup_memory_now now;
		if (cgroup_memory_read_now(&p->cgroup, &now) != 0)
			_exit(0);   /* the step's cgroup is gone: so is the step */
		const char *what = memory_threshold_feed(&t, now.current_bytes, now.limit_bytes,
							 monotonic_ms());
		if (what)
			send_sample(p, shared, &now, what);
	}
}

int step_sampler_start(struct step_sampler *s, const struct sampler_plan *plan)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	struct sampler_shared *shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
					     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	atomic_init(&shared->delivered, 0);
	atomic_init(&shared->failed, 0);
	atomic_init(&shared->writing, false);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		int e = errno;
		munmap(shared, sizeof(*shared));
		errno = e;
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		sampler_main(plan, sv[1], parent, shared);
	}
	int e = errno;
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		munmap(shared, sizeof(*shared));
		errno = e;
		return -1;
	}
	(void)setpgid(pid, pid);   /* as the child does: whichever runs first */
	s->pid = pid;
	s->fd = sv[0];
	s->shared = shared;
	return 0;
}

unsigned step_sampler_attempts(const struct step_sampler *s)
{
	if (!s->shared)
		return s->delivered + s->failed;
	return atomic_load(&s->shared->delivered) + atomic_load(&s->shared->failed);
}

/* True when the sampler has closed its end (exited) before deadline_ms. */
static bool hung_up_by(int fd, int64_t deadline_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	for (;;) {
		int64_t left = deadline_ms - monotonic_ms();
		int n = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (n > 0) {
			char byte;
			if (recv(fd, &byte, 1, MSG_DONTWAIT) <= 0)
				return true;   /* it never writes: anything readable is its end */
		} else if (n == 0 || errno != EINTR) {
			return false;
		}
	}
}

/* Reaps pid by deadline_ms (it is dead or dying); else leaves it to child_reap_pending. */
static void reap_by(pid_t pid, int64_t deadline_ms)
{
	for (;;) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))   /* or slurmstepd reaped it */
			return;
		if (monotonic_ms() >= deadline_ms) {
			child_reap_later(pid);
			return;
		}
		(void)poll(NULL, 0, 1);
	}
}

enum sampler_stop step_sampler_stop(struct step_sampler *s, int64_t deadline_ms)
{
	if (s->pid <= 0)
		return SAMPLER_NONE;
	(void)shutdown(s->fd, SHUT_WR);   /* its poll wakes up: the step ends */
	bool exited = hung_up_by(s->fd, deadline_ms);
	/* a writer it forked and had to leave behind goes too; the group's id
	 * is the sampler's own pid, not reusable while it is ours to reap (not
	 * when slurmstepd's wait for any child took it: then never signal) */
	siginfo_t info;
	if (waitid(P_PID, (id_t)s->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0) {
		(void)kill(-s->pid, SIGKILL);
		if (!exited)
			(void)kill(s->pid, SIGKILL);
	}
	reap_by(s->pid, exited ? deadline_ms : monotonic_ms() + 100);
	s->delivered = atomic_load(&s->shared->delivered);
	s->failed = atomic_load(&s->shared->failed);
	s->writing = !exited && atomic_load(&s->shared->writing);
	munmap(s->shared, sizeof(*s->shared));
	s->shared = NULL;
	close(s->fd);
	s->fd = -1;
	s->pid = 0;
	return exited ? SAMPLER_EXITED : SAMPLER_KILLED;
}
