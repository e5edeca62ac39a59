/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "step_recorder.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin_spool_sink.h"
#include "http_forward.h"
#include "monotonic.h"
#include "plugin_log.h"
#include "plugin_version.h"
#include "rfc3339.h"
#include "run_dir_sink.h"
#include "step_event.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

const char *step_recorder_sample_cgroup_for_tests;

static void report_sink_failure(const char *sink, enum child_result res, int err)
{
	if (res == CHILD_OK)
		return;
	if (res == CHILD_FAILED)
		plugin_log_problem("could not write to %s: %s", sink, strerror(err));
	else if (res != CHILD_OK)
		plugin_log_problem("could not write to %s: %s", sink, child_result_name(res));
}

int sink_budget_ms(int64_t deadline_ms, int64_t now, int own_ms)
{
	int64_t left = deadline_ms - now;
	if (left <= 0)
		return 0;
	return left < own_ms ? (int)left : own_ms;
}

/* sink_budget_ms now, saying so when the sink is skipped (unless quiet). */
static int sink_bound(const struct step_recorder *r, int64_t deadline, int own_ms,
		      const char *sink, bool quiet)
{
	int bound = sink_budget_ms(deadline, monotonic_ms(), own_ms);
	if (bound == 0 && !quiet)
		plugin_log_problem("did not write to %s: the event's %d ms (event_budget_ms) "
				   "were spent", sink, r->config->event_budget_ms);
	return bound;
}

/* Sends one rendered line to every destination of this step, all of them
 * together by deadline (monotonic ms: a hung NFS and a blackholed collector
 * must not hold the step for the sum of their timeouts). Returns how many
 * destinations did not take it; quiet (in the sampler, which has closed
 * slurmstepd's log) says nothing about them. */
static unsigned deliver(const struct step_recorder *r, const char *line, size_t len,
			int64_t deadline, bool quiet)
{
	const struct step_facts *f = &r->facts;
	char file_name[96], subdir[64] = "";
	int err = 0, bound;
	unsigned failed = 0;
	enum child_result res;
	if (step_event_file_name(&f->id, file_name, sizeof(file_name)) != 0 ||
	    (f->events_layout == STEP_EVENT_LAYOUT_FANNED &&
	     step_event_subdir(&f->id, subdir, sizeof(subdir)) != 0))
		return 1;
	if (r->to_run_dir) {
		res = CHILD_TIMED_OUT;
		if ((bound = sink_bound(r, deadline, r->config->write_timeout_ms,
					"the run directory", quiet)))
			res = run_dir_append(&f->who, f->run_dir, subdir, file_name, line, len,
					     bound, &err);
		failed += res != CHILD_OK;
		if (!quiet && bound)
			report_sink_failure("the run directory", res, err);
	}
	if (r->to_spool) {
		res = CHILD_TIMED_OUT;
		if ((bound = sink_bound(r, deadline, r->config->write_timeout_ms,
					"the admin spool", quiet)))
			res = admin_spool_append(r->config->spool_dir, f->who.uid, f->who.gid,
						 file_name, line, len, bound, &err);
		failed += res != CHILD_OK;
		if (!quiet && bound)
			report_sink_failure("the admin spool", res, err);
	}
	if (r->config->collector_url[0]) {
		res = CHILD_TIMED_OUT;
		if ((bound = sink_bound(r, deadline, r->config->collector_timeout_ms,
					"the collector", quiet)))
			res = http_forward_post(&f->who, r->config->collector_url, line, len,
						bound, &err);
		failed += res != CHILD_OK;
		if (!quiet && bound)
			report_sink_failure("the collector", res, err);
	}
	return failed;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Renders and delivers ev by deadline; after_torn puts a newline first, to
 * end a sample line the sampler may have left half written when killed. */
static void emit_by(const struct step_recorder *r, const struct step_event *ev,
		    int64_t deadline, bool after_torn)
{
	struct timespec began;
	clock_gettime(CLOCK_MONOTONIC, &began);
	size_t len = 0;
	char *line = step_event_to_json_line(ev, &len);
	if (line && after_torn) {
		char *with = malloc(len + 2);
		if (with) {
			with[0] = '\n';
			memcpy(with + 1, line, len + 1);
			len++;
		}
		free(line);
		line = with;
	}
	if (!line) {
		plugin_log_problem("could not render the %s event", ev->event);
		return;
	}
	(void)deliver(r, line, len, deadline, false);
	free(line);
	plugin_log_routine("job %u: %s event delivered in %.2f ms", r->facts.id.job_id, ev->event,
			   seconds_since(&began) * 1e3);
}

static void emit(const struct step_recorder *r, const struct step_event *ev)
{
	emit_by(r, ev, monotonic_ms() + r->config->event_budget_ms, false);
}

/* The sampler's delivery: the same destinations, in the sampler process. */
static int deliver_sample(void *ctx, const char *line, size_t len)
{
	const struct step_recorder *r = ctx;
	return deliver(r, line, len, monotonic_ms() + r->config->event_budget_ms, true) ? 1 : 0;
}

static void start_sampler(struct step_recorder *r, spank_t sp)
{
	struct sampler_plan plan = {
		.interval_ms = r->config->sample_ms, .id = r->facts.id,
		.producer = SPANK_SCALABLE_PRODUCER, .started = r->facts.started,
		.deliver = deliver_sample, .ctx = r, .escape_root = CGROUP_ROOT,
	};
	pid_t task = 0;
	if (step_recorder_sample_cgroup_for_tests) {
		plan.cgroup.version = 2;
		snprintf(plan.cgroup.dir, sizeof(plan.cgroup.dir), "%s",
			 step_recorder_sample_cgroup_for_tests);
		plan.escape_root = NULL;
	} else if ((spank_get_item(sp, S_TASK_PID, &task) != ESPANK_SUCCESS ||
		    cgroup_memory_locate_pid(task, CGROUP_ROOT, &plan.cgroup) != 0) &&
		   cgroup_memory_locate_pid(0, CGROUP_ROOT, &plan.cgroup) != 0) {
		plugin_log_problem("job %u: the step's memory cgroup was not found; not sampling",
				   r->facts.id.job_id);
		return;
	}
	if (step_sampler_start(&r->sampler, &plan) != 0)
		plugin_log_problem("job %u: could not start the memory sampler: %s",
				   r->facts.id.job_id, strerror(errno));
	else
		plugin_log_routine("job %u: sampling %s every %d ms", r->facts.id.job_id,
				   plan.cgroup.dir, plan.interval_ms);
}

/* Stops the sampler by the end event's deadline, at most SAMPLER_STOP_GRACE_MS
 * of it; returns true when it was killed in the middle of a delivery. */
static bool stop_sampler(struct step_recorder *r, int64_t deadline)
{
	int64_t grace = monotonic_ms() + SAMPLER_STOP_GRACE_MS;
	enum sampler_stop how = step_sampler_stop(&r->sampler, grace < deadline ? grace : deadline);
	if (how == SAMPLER_NONE)
		return false;
	plugin_log_routine("job %u: %u memory samples written", r->facts.id.job_id,
			   r->sampler.delivered);
	if (r->sampler.failed)
		plugin_log_problem("job %u: %u memory samples not written everywhere",
				   r->facts.id.job_id, r->sampler.failed);
	if (how == SAMPLER_KILLED)
		plugin_log_problem("job %u: the memory sampler was killed at the step's end%s",
				   r->facts.id.job_id, r->sampler.writing ? ", writing a sample" : "");
	return how == SAMPLER_KILLED && r->sampler.writing;
}

void step_recorder_begin(struct step_recorder *r, const struct plugin_config *config,
			 spank_t sp, const char *option_run_dir)
{
	memset(r, 0, sizeof(*r));
	r->config = config;
	r->memory.peak_bytes = r->memory.oom_kill_count = r->memory.limit_bytes = -1;
	if (step_facts_collect(sp, option_run_dir, &r->facts) != 0) {
		plugin_log_problem("Slurm did not say who owns the job; not recording");
		return;
	}
	if (r->facts.run_dir_rejected)
		plugin_log_problem("job %u: ignoring an implausible run directory (not an absolute "
				   "path, or holds control characters or '..')", r->facts.id.job_id);
	r->to_run_dir = r->facts.run_dir[0] != '\0';
	r->to_spool = config->spool_dir[0] && (config->all_jobs || r->to_run_dir);
	r->active = r->to_run_dir || r->to_spool;
	if (!r->active)
		return;
	plugin_log_routine("recording job %u step %u", r->facts.id.job_id, r->facts.id.step_id);
}

void step_recorder_task_started(struct step_recorder *r, spank_t sp)
{
	if (!r->active || r->started)
		return;
	step_facts_refresh_restart_count(sp, &r->facts);
	clock_gettime(CLOCK_MONOTONIC, &r->facts.started);
	struct step_event ev;
	step_event_init(&ev, "start", &r->facts.id);
	ev.producer = SPANK_SCALABLE_PRODUCER;
	emit(r, &ev);
	r->started = true;
	if (r->config->sample_ms > 0 && r->facts.id.step_id != STEP_ID_EXTERN)
		start_sampler(r, sp);
}

void step_outcome_merge(struct exit_outcome *acc, bool *has, const struct exit_outcome *next)
{
	if (!*has || (acc->signal == 0 && (next->signal != 0 || next->exit_code > acc->exit_code)))
		*acc = *next;
	*has = true;
}

void step_recorder_task_exited(struct step_recorder *r, spank_t sp)
{
	if (!r->active)
		return;
	step_facts_refresh_restart_count(sp, &r->facts);
	int status = 0;
	if (spank_get_item(sp, S_TASK_EXIT_STATUS, &status) == ESPANK_SUCCESS) {
		struct exit_outcome o = exit_outcome_from_wait_status(status);
		step_outcome_merge(&r->outcome, &r->has_outcome, &o);
		r->ntasks_exited++;
	}
	struct cgroup_memory_sample now;
	cgroup_memory_sample_self(CGROUP_ROOT, &now);
	cgroup_memory_merge(&r->memory, &now);
}

void step_recorder_end(struct step_recorder *r)
{
	if (!r->active)
		return;
	int64_t deadline = monotonic_ms() + r->config->event_budget_ms;
	bool after_torn = stop_sampler(r, deadline);
	struct step_event ev;
	step_event_init(&ev, "end", &r->facts.id);
	ev.producer = SPANK_SCALABLE_PRODUCER;
	ev.has_outcome = r->has_outcome;
	ev.outcome = r->outcome;
	ev.elapsed_s = seconds_since(&r->facts.started);
	ev.max_rss_bytes = r->memory.peak_bytes;
	ev.oom_kill_count = r->memory.oom_kill_count;
	ev.ntasks = r->ntasks_exited;
	if (ev.id.mem_limit_bytes < 0)
		ev.id.mem_limit_bytes = r->memory.limit_bytes;
	struct end_evidence evidence = {
		.outcome = r->outcome,
		.oom_kill_count = r->memory.oom_kill_count > 0 ? (uint64_t)r->memory.oom_kill_count : 0,
		.elapsed_s = ev.elapsed_s,
		.time_limit_s = r->facts.id.time_limit_s > 0 ? (uint64_t)r->facts.id.time_limit_s : 0,
	};
	ev.inferred_cause = r->has_outcome ? infer_end_cause(&evidence) : NULL;
	emit_by(r, &ev, deadline, after_torn);
	r->active = false;
}
