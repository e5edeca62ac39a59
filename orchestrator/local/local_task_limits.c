/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The limits of running local tasks: walltime (banner, SIGTERM, SIGKILL
 * after kill_wait), memory (SIGKILL above the limit, an OOM kill), and
 * the scancel-like termination they share with cancel. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "local/local_executor_impl.h"

/* Writes slurmstepd's banner into the task's output file, as
 * "slurmstepd: error: *** JOB 12 ON node CANCELLED AT 2026-01-02T03:04:05
 * DUE TO TIME LIMIT ***" (local time, like Slurm's). */
static void write_banner(const struct local_executor *x, const struct task *t,
			 const char *reason)
{
	char when[32], line[512];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof line, "slurmstepd: error: *** JOB %u ON %s CANCELLED AT %s%s%s ***\n",
		     t->chunk->array_job_id + (uint32_t)t->pos, x->node, when,
		     reason ? " DUE TO " : "", reason ? reason : "");
	if (n > 0)
		(void)!write(t->output_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void local_task_terminate(struct local_executor *x, struct task *t, const char *reason,
			  int64_t now)
{
	if (t->terminating)
		return;
	write_banner(x, t, reason);
	killpg(t->pid, SIGTERM);
	killpg(t->pid, SIGCONT);   /* a stopped process must see its SIGTERM */
	t->terminating = true;
	t->kill_at_ms = now + x->kill_wait_ms;
}

/* SIGKILLs the whole group now. */
static void kill_group(struct task *t)
{
	killpg(t->pid, SIGKILL);
	t->killed = true;
	t->terminating = true;
}

/* The sample event the reading rss of t calls for, as the plugin's sampler
 * writes them: the first at 80 %, the first at 90 % (alone when it jumps
 * past both), then at most once per sampling interval (1 s at least) while
 * at 90 % or more. */
static void say_sample(struct local_executor *x, struct task *t, uint64_t rss, int64_t now)
{
	uint64_t limit = t->chunk->mem_limit;
	int64_t every = x->sample_ms > 1000 ? x->sample_ms : 1000;
	const char *threshold = NULL;

	if (!limit || rss * 10 < limit * 8 || rss > limit)  /* above: the kill says it */
		return;
	if (rss * 10 >= limit * 9 && !t->said_90) {
		threshold = "90";
		t->said_80 = t->said_90 = true;
	} else if (!t->said_80) {
		threshold = "80";
		t->said_80 = true;
	} else if (rss * 10 >= limit * 9 && now - t->said_at_ms >= every) {
		threshold = "above_90";
	}
	if (!threshold)
		return;
	t->said_at_ms = now;
	local_task_sample_event(x, t, rss, threshold, now);
}

/* Samples every running group's RSS, keeps peaks, kills those over limit. */
static void sample_memory(struct local_executor *x)
{
	for (size_t i = 0; i < x->n_running; i++)
		x->scan[i].pgid = x->running[i].pid;
	if (process_group_rss_scan("/proc", x->scan, x->n_running) != 0)
		return;
	for (size_t i = 0; i < x->n_running; i++) {
		struct task *t = &x->running[i];
		uint64_t rss = x->scan[i].rss_bytes, limit = t->chunk->mem_limit;

		if (rss > t->peak_rss)
			t->peak_rss = rss;
		say_sample(x, t, rss, monotonic_ms());
		if (limit && rss > limit && !t->oom_killed && !t->killed) {
			t->oom_killed = true;
			kill_group(t);
		}
	}
}

void local_limits_enforce(struct local_executor *x, int64_t now)
{
	for (size_t i = 0; i < x->n_running; i++) {
		struct task *t = &x->running[i];

		if (!t->terminating && t->walltime_at_ms && now >= t->walltime_at_ms) {
			t->timed_out = true;
			local_task_terminate(x, t, "TIME LIMIT", now);
		}
		if (t->terminating && !t->killed && now >= t->kill_at_ms)
			kill_group(t);
	}
	if (x->n_running && now >= x->next_sample_ms) {
		sample_memory(x);
		/* From the end of the scan: a scan slower than the interval (a
		 * loaded machine, many processes) must not run back to back. */
		x->next_sample_ms = monotonic_ms() + x->sample_ms;
	}
}

int64_t local_limits_next_ms(const struct local_executor *x)
{
	int64_t next = x->n_running ? x->next_sample_ms : INT64_MAX;

	for (size_t i = 0; i < x->n_running; i++) {
		const struct task *t = &x->running[i];

		if (!t->terminating && t->walltime_at_ms && t->walltime_at_ms < next)
			next = t->walltime_at_ms;
		if (t->terminating && !t->killed && t->kill_at_ms < next)
			next = t->kill_at_ms;
	}
	return next;
}
