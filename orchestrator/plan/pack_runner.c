/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pack runner (see pack_runner.h). */
#include "plan/pack_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/jsonl_file.h"
#include "lib/util/make_dirs.h"
#include "scenario_record.h"
#include "spool_append.h"
#include "step_event.h"
#include "wait_status.h"

int pack_scenario_parse(const char *text, struct pack_scenario *out)
{
	char *end;
	unsigned long long index, attempt;

	errno = 0;
	index = strtoull(text, &end, 10);
	if (end == text || *end != ':' || errno)
		return -1;
	text = end + 1;
	attempt = strtoull(text, &end, 10);
	if (end == text || *end || errno || attempt == 0 || attempt > UINT32_MAX ||
	    index > SIZE_MAX)
		return -1;
	*out = (struct pack_scenario){ (size_t)index, (unsigned)attempt };
	return 0;
}

/* The pack's record file of one restart. */
static int path_of(const struct pack_runner_options *o, unsigned restart, char *buf,
		   size_t len)
{
	char job[24], task[24], r[16], bucket[64];

	snprintf(job, sizeof job, "%" PRId64, o->array_job_id);
	snprintf(task, sizeof task, "%" PRId64, o->array_task_id);
	snprintf(r, sizeof r, "%u", restart);
	snprintf(bucket, sizeof bucket, "%" PRId64 "/%" PRId64, o->array_job_id,
		 o->array_task_id / STEP_EVENT_BUCKET);
	return scenario_record_path(buf, len, o->run_dir, o->fanned ? bucket : NULL, job, task,
				    r);
}

struct ended_ctx {
	const struct pack_runner_options *o;
	bool *ended;
};

static int note_ended(json_t *record, void *vctx)
{
	struct ended_ctx *c = vctx;
	struct scenario_record_fields f;

	if (scenario_record_parse(record, &f) != 0 || !f.end ||
	    strcmp(f.component, c->o->component) != 0)
		return 0;
	for (size_t i = 0; i < c->o->n; i++)
		if ((int64_t)c->o->scenarios[i].task_id == f.task_id &&
		    (int64_t)c->o->scenarios[i].attempt == f.attempt)
			c->ended[i] = true;
	return 0;
}

/* Marks the scenarios an earlier restart of the pack saw end. */
static void read_earlier(const struct pack_runner_options *o, bool *ended)
{
	struct ended_ctx c = { o, ended };
	struct error ignored;
	char path[4096];

	for (unsigned r = 0; r < o->restart_count; r++)
		if (path_of(o, r, path, sizeof path) == 0)
			jsonl_read(path, note_ended, &c, NULL, &ignored);
}

/* The oom_kill count of a cgroup v2 memory.events or a v1
 * memory.oom_control (both "key value" lines); -1: unknown. */
static int64_t oom_kills(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	char key[64];
	long long value;
	int64_t n = -1;

	while (f && fscanf(f, "%63s %lld", key, &value) == 2)
		if (!strcmp(key, "oom_kill"))
			n = value;
	if (f)
		fclose(f);
	return n;
}

/* The file counting OOM kills in the memory cgroup of a /proc/self/cgroup
 * line: a v1 memory hierarchy's memory.oom_control (v1 counts a kill in the
 * killed process's own cgroup, which the scenarios share with this
 * process), else v2's memory.events; NULL when the line is neither. */
static char *oom_file_of(const char *line)
{
	const char *controllers = strchr(line, ':'), *cgroup;
	char *path = NULL;

	if (!controllers || !(cgroup = strchr(controllers + 1, ':')))
		return NULL;
	controllers++;
	if (cgroup == controllers && strncmp(line, "0:", 2) == 0) {
		if (asprintf(&path, "/sys/fs/cgroup%s/memory.events", cgroup + 1) < 0)
			path = NULL;
	} else if ((size_t)(cgroup - controllers) >= 6 &&
		   (!strncmp(controllers, "memory", 6) || strstr(controllers, ",memory")) &&
		   asprintf(&path, "/sys/fs/cgroup/memory%s/memory.oom_control", cgroup + 1) < 0) {
		path = NULL;
	}
	return path;
}

/* This process's memory cgroup's OOM-kill file (v1 first: on a hybrid
 * system the memory controller is on v1, not on the unified "0::" line), or
 * NULL. */
static char *own_memory_events(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[4096], *v1 = NULL, *v2 = NULL, *path;

	while (f && !v1 && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!(path = oom_file_of(line)))
			continue;
		if (strstr(path, "oom_control"))
			v1 = path;
		else if (!v2)
			v2 = path;
		else
			free(path);
	}
	if (f)
		fclose(f);
	if (v1)
		free(v2);
	return v1 ? v1 : v2;
}

/* One running scenario. */
struct slot {
	pid_t pid;
	size_t i;
	struct timespec started;
};

struct pack_state {
	const struct pack_runner_options *o;
	struct scenario_pack_id id;
	int fd;
	struct slot *slots;
	size_t running, ran;
	int status;
	char *memory_events;
	int64_t oom_seen;            /* OOM kills already told; -1: unknown */
};

/* The OOM kills to tell with a scenario that ended so: those counted since
 * the last told, when it was killed (SIGKILL, or a shell's 137); else 0,
 * and they wait for the scenario they belong to. -1: unknown. */
static int64_t oom_since(struct pack_state *s, const struct exit_outcome *out)
{
	int64_t now = oom_kills(s->memory_events);

	if (now < 0 || s->oom_seen < 0)
		return -1;
	if (now <= s->oom_seen || (out->signal != 9 && out->exit_code != 137))
		return 0;
	now -= s->oom_seen;
	s->oom_seen += now;
	return now;
}

static int append(struct pack_state *s, char *line, size_t len)
{
	int rc = line ? spool_append_line(s->fd, line, len) : -1;

	free(line);
	return rc;
}

static int write_record(struct pack_state *s, const struct scenario_record *r)
{
	size_t len = 0;
	char *line = scenario_record_line(&s->id, r, &len);

	return append(s, line, len);
}

/* Starts scenario i: its start record, then `bash SCRIPT` with
 * SCALABLE_PACK_TASK set. */
static int start(struct pack_state *s, size_t i)
{
	const struct pack_scenario *sc = &s->o->scenarios[i];
	struct slot *slot = &s->slots[s->running];
	char id[32];
	pid_t pid;

	snprintf(id, sizeof id, "%zu", sc->task_id);
	clock_gettime(CLOCK_MONOTONIC, &slot->started);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("SCALABLE_PACK_TASK", id, 1);
		execlp("bash", "bash", s->o->script, (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	slot->pid = pid;
	slot->i = i;
	s->running++;
	s->ran++;
	return write_record(s, &(struct scenario_record){
		.task_id = (int64_t)sc->task_id, .attempt = sc->attempt, .pid = pid,
		.elapsed_s = -1, .max_rss_bytes = -1, .oom_kill_count = -1 });
}

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Waits for one scenario to end and writes its end record. */
static int reap(struct pack_state *s)
{
	struct rusage ru;
	int status;
	pid_t pid = wait4(-1, &status, 0, &ru);
	size_t k = 0;

	if (pid < 0)
		return errno == EINTR ? 0 : -1;
	while (k < s->running && s->slots[k].pid != pid)
		k++;
	if (k == s->running)
		return 0;  /* not one of ours */
	struct slot done = s->slots[k];
	struct exit_outcome out = exit_outcome_from_wait_status(status);
	const struct pack_scenario *sc = &s->o->scenarios[done.i];

	s->slots[k] = s->slots[--s->running];
	if (out.exit_code != 0 && s->status == 0)
		s->status = out.exit_code;
	return write_record(s, &(struct scenario_record){
		.end = true, .task_id = (int64_t)sc->task_id, .attempt = sc->attempt,
		.pid = pid, .exit_code = out.exit_code, .signal = out.signal,
		.elapsed_s = since(&done.started),
		.max_rss_bytes = (int64_t)ru.ru_maxrss * 1024, .oom_kill_count = oom_since(s, &out) });
}

static int run_all(struct pack_state *s, const bool *ended)
{
	size_t next = 0;

	while (next < s->o->n || s->running) {
		while (s->running < s->o->parallel && next < s->o->n) {
			if (!ended[next] && start(s, next) != 0)
				return -1;
			next++;
		}
		if (s->running && reap(s) != 0)
			return -1;
	}
	return 0;
}

static int pack_end(struct pack_state *s)
{
	size_t len = 0;
	char *line = scenario_record_pack_end_line(&s->id, s->o->n, s->ran, s->status, &len);

	return append(s, line, len);
}

int pack_run(const struct pack_runner_options *o, struct error *err)
{
	struct pack_state s = {
		.o = o, .fd = -1,
		.id = { o->run_id, o->component, o->node, o->job_id, o->array_job_id,
			o->array_task_id, o->restart_count },
	};
	bool *ended = calloc(o->n + 1, sizeof *ended);
	char path[4096];
	int rc = -1;

	s.slots = calloc(o->parallel + 1, sizeof *s.slots);
	s.memory_events = o->memory_events ? strdup(o->memory_events) : own_memory_events();
	s.oom_seen = oom_kills(s.memory_events);
	if (!ended || !s.slots || path_of(o, o->restart_count, path, sizeof path) != 0)
		error_system(err, "pack-exec");
	else if (make_parent_dirs(path, 0777) != 0)   /* the plugin may make them first */
		error_system(err, "cannot create the directory of %s", path);
	else if ((s.fd = open(path, SPOOL_OPEN_FLAGS, 0644)) < 0)
		error_system(err, "cannot open %s", path);
	else
		rc = 0;
	if (rc == 0)
		read_earlier(o, ended);
	if (rc == 0 && run_all(&s, ended) != 0) {
		error_system(err, "running the pack (%s)", path);
		rc = -1;
	}
	if (rc == 0 && pack_end(&s) != 0) {
		error_system(err, "cannot write %s", path);
		rc = -1;
	}
	if (s.fd >= 0)
		close(s.fd);
	free(ended);
	free(s.slots);
	free(s.memory_events);
	return rc == 0 ? s.status : -1;
}
