/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The local executor's queue and pump: chunks in, tasks started within the
 * CPU budget, ends reaped, limits enforced (see local_executor.h). */
#include "local/local_executor.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "local/local_executor_impl.h"
#include "local/local_task_env.h"
#include "local/local_task_spawn.h"
#include "lib/subprocess/sigchld_pipe.h"

/* How long free() waits for SIGKILLed tasks beyond kill_wait. */
#define FREE_GRACE_MS 5000
/* The longest wait while a task has no pidfd to wake us. */
#define NO_PIDFD_WAIT_MS 200

/* The node name: the short host name, as Slurm's NodeName usually is. */
static char *default_node(void)
{
	char host[256] = "localhost";

	if (gethostname(host, sizeof host - 1) != 0 || !host[0])
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	return strdup(host);
}

/* The calling user's name for %u (the uid when it has none). */
static char *user_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	char *name = NULL;

	if (pw && pw->pw_name)
		return strdup(pw->pw_name);
	if (asprintf(&name, "%u", (unsigned)getuid()) < 0)
		return NULL;
	return name;
}

/* Opens <run_dir>/events (creating it) as a directory fd. */
static int open_events_dir(const char *run_dir)
{
	int run_fd = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd, saved;

	if (run_fd < 0)
		return -1;
	if (mkdirat(run_fd, "events", 0755) != 0 && errno != EEXIST) {
		saved = errno;
		close(run_fd);
		errno = saved;
		return -1;
	}
	fd = openat(run_fd, "events", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	saved = errno;
	close(run_fd);
	errno = saved;
	return fd;
}

/* Picks pidfds where the kernel has them, else the SIGCHLD pipe. */
static int choose_wakeup(struct local_executor *x, bool no_pidfd)
{
	int fd = no_pidfd ? -1 : local_pidfd_open(getpid());

	x->wake_fd = -1;
	x->use_pidfd = fd >= 0;
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	x->wake_fd = sigchld_pipe_acquire();
	return x->wake_fd >= 0 ? 0 : -1;
}

/* Copies the options' strings and settles the defaults. */
static int apply_options(struct local_executor *x, const struct local_executor_options *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	x->slots = o->concurrency ? o->concurrency : cpus > 0 ? (unsigned)cpus : 1;
	x->memory_limit = o->memory_limit_bytes;
	x->walltime_s = o->walltime_s;
	x->kill_wait_ms = o->kill_wait_ms ? o->kill_wait_ms : LOCAL_EXECUTOR_DEFAULT_KILL_WAIT_MS;
	x->sample_ms = o->sample_ms ? o->sample_ms : LOCAL_EXECUTOR_DEFAULT_SAMPLE_MS;
	x->on_task = o->on_task;
	x->on_task_arg = o->on_task_arg;
	x->run_dir = strdup(o->run_dir);
	x->node = o->node ? strdup(o->node) : default_node();
	x->submit_dir = o->submit_dir ? strdup(o->submit_dir) : getcwd(NULL, 0);
	x->output_pattern = strdup(o->output_pattern ? o->output_pattern
						     : "logs/slurm-%A_%a.out");
	x->user = user_name();
	x->running = calloc(x->slots, sizeof *x->running);
	x->scan = calloc(x->slots, sizeof *x->scan);
	x->pollfds = calloc((size_t)x->slots + 1, sizeof *x->pollfds);
	if (!x->run_dir || !x->node || !x->submit_dir || !x->output_pattern || !x->user ||
	    !x->running || !x->scan || !x->pollfds) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Frees what apply_options and new allocated. */
static void release(struct local_executor *x)
{
	if (x->events_dirfd >= 0)
		close(x->events_dirfd);
	if (x->wake_fd >= 0)
		sigchld_pipe_release();
	free(x->run_dir);
	free(x->node);
	free(x->submit_dir);
	free(x->output_pattern);
	free(x->user);
	free(x->running);
	free(x->scan);
	free(x->pollfds);
	free(x->chunks);
	free(x);
}

struct local_executor *local_executor_new(const struct local_executor_options *o)
{
	struct local_executor *x;
	int saved;

	if (!o || !o->run_dir || !o->run_dir[0]) {
		errno = EINVAL;
		return NULL;
	}
	x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->wake_fd = -1;
	x->events_dirfd = -1;
	if (apply_options(x, o) != 0 || (x->events_dirfd = open_events_dir(o->run_dir)) < 0 ||
	    choose_wakeup(x, o->no_pidfd) != 0) {
		saved = errno;
		release(x);
		errno = saved;
		return NULL;
	}
	return x;
}

/* The entries of a NULL-terminated list. */
static size_t entries(char *const list[])
{
	size_t n = 0;

	while (list[n])
		n++;
	return n;
}

int local_executor_submit(struct local_executor *x, const struct local_chunk *chunk)
{
	struct chunk *c;

	if (!chunk || !chunk->argv || !chunk->argv[0] || !chunk->n || !chunk->array_task_ids ||
	    !chunk->array_job_id || chunk->n - 1 > UINT32_MAX - chunk->array_job_id ||
	    (chunk->task_env && entries(chunk->task_env) != chunk->n)) {
		errno = EINVAL;
		return -1;
	}
	if (x->n_chunks == x->cap_chunks) {
		size_t cap = x->cap_chunks ? 2 * x->cap_chunks : 16;
		struct chunk **grown = realloc(x->chunks, cap * sizeof *grown);

		if (!grown)
			return -1;
		x->chunks = grown;
		x->cap_chunks = cap;
	}
	c = local_chunk_copy(x, chunk, monotonic_ms());
	if (!c)
		return -1;
	x->chunks[x->n_chunks++] = c;
	x->queued += c->n;
	return 0;
}

/* True when c may start its next task now. */
static bool chunk_ready(const struct chunk *c, int64_t now)
{
	return c->next < c->n && now >= c->eligible_at_ms &&
	       (!c->throttle || c->running < c->throttle);
}

/* Starts queued tasks in submission order while the budget allows; a chunk
 * that does not fit stops the scan, so big tasks are not starved. */
static void start_ready(struct local_executor *x, int64_t now)
{
	for (size_t i = 0; i < x->n_chunks; i++) {
		struct chunk *c = x->chunks[i];

		while (chunk_ready(c, now)) {
			if (x->slots_used + c->slots > x->slots)
				return;
			x->queued--;
			local_task_start(x, c, c->next++, now);
		}
	}
}

/* Frees the chunks whose tasks have all ended, keeping the order. */
static void drop_finished_chunks(struct local_executor *x)
{
	size_t kept = 0;

	for (size_t i = 0; i < x->n_chunks; i++) {
		if (x->chunks[i]->unfinished == 0)
			local_chunk_free(x->chunks[i]);
		else
			x->chunks[kept++] = x->chunks[i];
	}
	x->n_chunks = kept;
}

/* The earliest time anything is due: a limit, or a delayed chunk. A chunk
 * already eligible but held by the budget or its throttle waits for a task
 * to end, which wakes the poll: counting it as due would spin. */
static int64_t next_due_ms(const struct local_executor *x, int64_t now)
{
	int64_t next = local_limits_next_ms(x);

	for (size_t i = 0; i < x->n_chunks; i++) {
		const struct chunk *c = x->chunks[i];

		if (c->next < c->n && c->eligible_at_ms > now && c->eligible_at_ms < next)
			next = c->eligible_at_ms;
	}
	return next;
}

/* Sleeps in poll() until a child ends or timeout_ms pass. */
static void wait_for_children(struct local_executor *x, int timeout_ms)
{
	nfds_t n = 0;

	if (x->use_pidfd) {
		for (size_t i = 0; i < x->n_running; i++) {
			x->pollfds[n++] = (struct pollfd){ .fd = x->running[i].pidfd, .events = POLLIN };
			/* No pidfd (out of descriptors): notice its end on a later round. */
			if (x->running[i].pidfd < 0 && timeout_ms > NO_PIDFD_WAIT_MS)
				timeout_ms = NO_PIDFD_WAIT_MS;
		}
	} else {
		x->pollfds[n++] = (struct pollfd){ .fd = x->wake_fd, .events = POLLIN };
	}
	if (n == 0 && timeout_ms == 0)
		return;
	(void)poll(x->pollfds, n, timeout_ms);   /* EINTR: a wake-up like any other */
	if (!x->use_pidfd)
		sigchld_pipe_drain();
}

/* Reaps every running task that has ended. */
static void reap_ended(struct local_executor *x)
{
	for (size_t i = x->n_running; i-- > 0;)
		(void)local_task_reap(x, i);
}

size_t local_executor_run_once(struct local_executor *x, int wait_ms)
{
	int64_t now = monotonic_ms(), due;
	int timeout = wait_ms > 0 ? wait_ms : 0;

	reap_ended(x);
	local_limits_enforce(x, now);
	start_ready(x, now);
	due = next_due_ms(x, now);
	if (due != INT64_MAX && due - now < timeout)
		timeout = due > now ? (int)(due - now) : 0;
	if (x->n_running || x->queued)
		wait_for_children(x, timeout);
	reap_ended(x);
	now = monotonic_ms();
	local_limits_enforce(x, now);
	start_ready(x, now);
	drop_finished_chunks(x);
	return x->queued + x->n_running;
}

void local_executor_cancel(struct local_executor *x)
{
	int64_t now = monotonic_ms();

	for (size_t i = 0; i < x->n_chunks; i++) {
		struct chunk *c = x->chunks[i];

		for (; c->next < c->n; c->next++) {
			c->unfinished--;
			x->queued--;
			local_task_report_dropped(x, c, c->next);
		}
	}
	for (size_t i = 0; i < x->n_running; i++) {
		x->running[i].cancelled = !x->running[i].terminating;
		local_task_terminate(x, &x->running[i], NULL, now);
	}
	drop_finished_chunks(x);
}

/* Last resort when tasks outlive the grace period (a process stuck in the
 * kernel): SIGKILL again and let go; they are reaped by init after we exit. */
static void abandon_running(struct local_executor *x)
{
	for (size_t i = 0; i < x->n_running; i++) {
		struct task *t = &x->running[i];

		killpg(t->pid, SIGKILL);
		if (t->pidfd >= 0)
			close(t->pidfd);
		close(t->output_fd);
	}
	x->n_running = 0;
}

void local_executor_free(struct local_executor *x)
{
	int64_t give_up;

	if (!x)
		return;
	for (size_t i = 0; i < x->n_running; i++)
		x->running[i].abandoned = !x->running[i].terminating;
	local_executor_cancel(x);
	give_up = monotonic_ms() + x->kill_wait_ms + FREE_GRACE_MS;
	while (x->n_running && monotonic_ms() < give_up)
		local_executor_run_once(x, 100);
	abandon_running(x);
	for (size_t i = 0; i < x->n_chunks; i++)
		local_chunk_free(x->chunks[i]);
	release(x);
}
