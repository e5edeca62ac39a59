/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The start and the end of one local array task: spawn, step events,
 * callback, and the budget it holds meanwhile. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "local/local_executor_impl.h"
#include "local/local_step_events.h"
#include "local/local_task_env.h"
#include "local/local_task_spawn.h"
#include "local/slurm_filename_pattern.h"

extern char **environ;

/* The facts both events of position pos carry. */
static struct step_identity task_step_identity(const struct local_executor *x,
				       const struct chunk *c, size_t pos, pid_t pid)
{
	return (struct step_identity){
		.job_id = c->array_job_id + (uint32_t)pos,
		.array_job_id = c->array_job_id,
		.array_task_id = c->ids[pos],
		.node = x->node,
		.pid = pid,
		.run_id = c->run_id,
		.step_id = STEP_ID_BATCH,
		.uid = getuid(),
		.task_id = c->index_offset + (int64_t)c->ids[pos],
		.attempt = c->attempt,
		.time_limit_s = c->walltime_s ? (int64_t)c->walltime_s : -1,
		.mem_limit_bytes = c->mem_limit ? (int64_t)c->mem_limit : -1,
	};
}

/* A report with the ids of position pos filled in. */
static struct local_task_report base_report(enum local_task_phase phase,
					    const struct chunk *c, size_t pos, pid_t pid)
{
	return (struct local_task_report){
		.phase = phase,
		.job_id = c->array_job_id + (uint32_t)pos,
		.array_job_id = c->array_job_id,
		.array_task_id = c->ids[pos],
		.pid = pid,
	};
}

static void report(const struct local_executor *x, const struct local_task_report *r)
{
	if (x->on_task)
		x->on_task(r, x->on_task_arg);
}

void local_task_report_dropped(struct local_executor *x, const struct chunk *c, size_t pos)
{
	struct local_task_report r = base_report(LOCAL_TASK_DROPPED, c, pos, 0);

	r.cancelled = true;
	report(x, &r);
}

/* The output file of position pos, made absolute against the run dir. */
static char *output_path(const struct local_executor *x, const struct chunk *c, size_t pos)
{
	struct slurm_filename_values v = {
		.job_id = c->array_job_id + (uint32_t)pos,
		.array_job_id = c->array_job_id,
		.array_task_id = c->ids[pos],
		.job_name = c->job_name,
		.node = x->node,
		.user = x->user,
	};
	char *name = slurm_filename_expand(c->output_pattern ? c->output_pattern
							     : x->output_pattern, &v);
	char *path = NULL;

	if (name && name[0] == '/')
		return name;
	if (name && asprintf(&path, "%s/%s", x->run_dir, name) < 0)
		path = NULL;
	free(name);
	return path;
}

/* Spawns position pos; returns 0 or an errno value. */
static int spawn_task(const struct local_executor *x, const struct chunk *c, size_t pos,
		      struct local_spawned *out)
{
	struct local_task_slurm_vars v = {
		.job_id = c->array_job_id + (uint32_t)pos,
		.array_job_id = c->array_job_id,
		.array_task_id = c->ids[pos],
		.task_count = (uint32_t)c->n,
		.task_min = c->task_min,
		.task_max = c->task_max,
		.job_name = c->job_name,
		.cpus_per_task = c->cpus_per_task,
		.node = x->node,
		.submit_dir = x->submit_dir,
	};
	char **env = local_task_env_build(environ, c->env,
					  c->task_env ? c->task_env[pos] : NULL, &v);
	char *path = output_path(x, c, pos);
	int rc = env && path ? local_task_spawn(c->argv, env, path, x->use_pidfd, out) : ENOMEM;

	local_task_env_free(env);
	free(path);
	return rc;
}

/* What a shell would say: 127 for a command not found, else 126. */
static void fail_launch(struct local_executor *x, struct chunk *c, size_t pos, int err)
{
	struct step_identity f = task_step_identity(x, c, pos, 0);
	struct local_task_report r = base_report(LOCAL_TASK_ENDED, c, pos, 0);
	struct local_step_end end = { .oom_kill_count = 0, .max_rss_bytes = 0,
				      .inferred_cause = "exited" };

	end.outcome.exit_code = err == ENOENT ? 127 : 126;
	(void)local_step_event_start(x->events_dirfd, c->events_layout, &f);
	(void)local_step_event_end(x->events_dirfd, c->events_layout, &f, &end);
	r.outcome = end.outcome;
	r.launch_errno = err;
	r.inferred_cause = end.inferred_cause;
	c->unfinished--;
	report(x, &r);
}

void local_task_start(struct local_executor *x, struct chunk *c, size_t pos, int64_t now)
{
	struct local_spawned s;
	struct step_identity f;
	struct task *t;
	int rc = spawn_task(x, c, pos, &s);

	if (rc != 0) {
		fail_launch(x, c, pos, rc);
		return;
	}
	t = &x->running[x->n_running++];
	*t = (struct task){ .chunk = c, .pos = pos, .pid = s.pid, .pidfd = s.pidfd,
			    .output_fd = s.output_fd, .started_ms = now };
	if (c->walltime_s)
		t->walltime_at_ms = now + (int64_t)c->walltime_s * 1000;
	c->running++;
	x->slots_used += c->slots;
	f = task_step_identity(x, c, pos, s.pid);
	(void)local_step_event_start(x->events_dirfd, c->events_layout, &f);
	struct local_task_report r = base_report(LOCAL_TASK_STARTED, c, pos, s.pid);
	report(x, &r);
}

void local_task_sample_event(const struct local_executor *x, const struct task *t,
			     uint64_t rss, const char *threshold, int64_t now)
{
	struct step_identity f = task_step_identity(x, t->chunk, t->pos, t->pid);
	uint64_t limit = t->chunk->mem_limit;
	struct step_memory_sample s = {
		.current_bytes = (int64_t)rss, .peak_bytes = (int64_t)t->peak_rss,
		.limit_bytes = (int64_t)limit, .threshold = threshold,
		.percent = 100.0 * (double)rss / (double)limit,  /* written with one decimal */
		.oom_count = -1, .oom_kill_count = -1, .max_count = -1, .high_count = -1,
	};

	(void)local_step_event_sample(x->events_dirfd, t->chunk->events_layout, &f,
				      (double)(now - t->started_ms) / 1000.0, &s);
}

/* The end event and the callback of a reaped task. */
static void record_end(struct local_executor *x, const struct task *t, int status,
		       int64_t now)
{
	struct step_identity f = task_step_identity(x, t->chunk, t->pos, t->pid);
	struct local_step_end end = {
		.outcome = exit_outcome_from_wait_status(status),
		.elapsed_s = (double)(now - t->started_ms) / 1000.0,
		.max_rss_bytes = (int64_t)t->peak_rss,
		.oom_kill_count = t->oom_killed ? 1 : 0,
	};
	struct end_evidence ev = { .outcome = end.outcome,
				   .oom_kill_count = (uint64_t)end.oom_kill_count,
				   .elapsed_s = end.elapsed_s,
				   .time_limit_s = t->chunk->walltime_s };
	struct local_task_report r = base_report(LOCAL_TASK_ENDED, t->chunk, t->pos, t->pid);

	end.inferred_cause = infer_end_cause(&ev);
	if (!t->abandoned)  /* its orchestrator left: open, as after a crash */
		(void)local_step_event_end(x->events_dirfd, t->chunk->events_layout, &f, &end);
	r.outcome = end.outcome;
	r.elapsed_s = end.elapsed_s;
	r.max_rss_bytes = t->peak_rss;
	r.oom_killed = t->oom_killed;
	r.timed_out = t->timed_out;
	r.cancelled = t->cancelled;
	r.inferred_cause = end.inferred_cause;
	report(x, &r);
}

/* True when the task's process has ended (it stays a zombie until reaped). */
static bool has_ended(pid_t pid)
{
	siginfo_t si;

	si.si_pid = 0;
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == pid;
}

bool local_task_reap(struct local_executor *x, size_t i)
{
	struct task *t = &x->running[i];
	struct rusage ru;
	int status = 0;
	pid_t got;

	if (!has_ended(t->pid))
		return false;
	/* Like slurmstepd at the end of a batch script: leftovers of the group
	 * die. The zombie leader keeps the group id from being reused. */
	killpg(t->pid, SIGKILL);
	do {
		got = wait4(t->pid, &status, 0, &ru);
	} while (got < 0 && errno == EINTR);
	if (got != t->pid)
		status = W_EXITCODE(255, 0);  /* reaped behind our back: status unknown */
	else if ((uint64_t)ru.ru_maxrss * 1024 > t->peak_rss)
		t->peak_rss = (uint64_t)ru.ru_maxrss * 1024;  /* a task shorter than a sample */
	record_end(x, t, status, monotonic_ms());
	if (t->pidfd >= 0)
		close(t->pidfd);
	close(t->output_fd);
	t->chunk->running--;
	t->chunk->unfinished--;
	x->slots_used -= t->chunk->slots;
	x->running[i] = x->running[--x->n_running];
	return true;
}
