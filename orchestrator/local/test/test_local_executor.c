/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the local executor, with real processes: exits and
 * signals in the step events, the Slurm environment, the CPU budget and
 * throttle, the memory limit (OOM kill), walltime (banner, SIGTERM, then
 * SIGKILL), cancel, leftovers killed, launch failures; and its helpers
 * (filename patterns, /proc/<pid>/stat parsing, environment precedence). */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "local/local_executor.h"
#include "local/local_task_env.h"
#include "testing/orch_helpers.h"
#include "plan/plan.h"
#include "local/process_tree_memory.h"
#include "local/slurm_filename_pattern.h"
#include "test/tmpdir.h"
#include "plan/wave_script.h"

#define MAX_REPORTS 64
#define HANG_GUARD_MS 25000   /* not a timing assert: a stuck pump fails, not hangs */

struct fixture {
	char *dir;
	bool no_pidfd;
	struct local_task_report reports[MAX_REPORTS];
	size_t n_reports;
	int running, max_running;
	pid_t pids[MAX_REPORTS];
	size_t n_pids;
};

static void on_task(const struct local_task_report *r, void *arg)
{
	struct fixture *f = arg;

	assert_true(f->n_reports < MAX_REPORTS);
	f->reports[f->n_reports++] = *r;
	if (r->phase == LOCAL_TASK_STARTED) {
		f->pids[f->n_pids++] = r->pid;
		if (++f->running > f->max_running)
			f->max_running = f->running;
	} else if (r->phase == LOCAL_TASK_ENDED && r->pid) {
		f->running--;
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	*state = f;
	return 0;
}

static int setup_no_pidfd(void **state)
{
	setup(state);
	((struct fixture *)*state)->no_pidfd = true;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Options every test starts from. */
static struct local_executor_options options(struct fixture *f)
{
	return (struct local_executor_options){
		.run_dir = f->dir, .concurrency = 4, .kill_wait_ms = 500, .sample_ms = 50,
		.node = "testnode", .on_task = on_task, .on_task_arg = f,
		.no_pidfd = f->no_pidfd,
	};
}

/* Milliseconds on the monotonic clock. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Pumps until nothing is queued or running. */
static void pump(struct local_executor *x)
{
	int64_t give_up = now_ms() + HANG_GUARD_MS;

	while (local_executor_run_once(x, 100) > 0)
		assert_true(now_ms() < give_up);
}

/* Writes a script into the run dir; returns its path (static buffer). */
static const char *script(struct fixture *f, const char *text)
{
	static char path[4096];

	tmpdir_write(f->dir, "job.sh", text);
	snprintf(path, sizeof path, "%s/job.sh", f->dir);
	return path;
}

/* Submits script as one chunk of n tasks with ids first, first+1, ... */
static void submit(struct local_executor *x, const char *path, char *const env[], size_t first,
		   size_t n, uint32_t array_job_id, const struct local_chunk *extra)
{
	char *argv[] = { "bash", (char *)path, NULL };
	size_t ids[MAX_REPORTS];
	struct local_chunk c = extra ? *extra : (struct local_chunk){ 0 };

	for (size_t i = 0; i < n; i++)
		ids[i] = first + i;
	c.argv = argv;
	c.env = env;
	c.array_task_ids = ids;
	c.n = n;
	c.array_job_id = array_job_id;
	assert_int_equal(local_executor_submit(x, &c), 0);
}

/* The events of job_id, parsed (a JSON array of the lines). */
static json_t *events_of(struct fixture *f, uint32_t job_id)
{
	char rel[64];
	json_t *all = json_array();
	char *text, *line, *save = NULL;

	snprintf(rel, sizeof rel, "events/%u.batch.0.jsonl", job_id);
	text = tmpdir_read(f->dir, rel);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *ev = json_loads(line, 0, NULL);

		assert_non_null(ev);
		json_array_append_new(all, ev);
	}
	free(text);
	return all;
}

static json_int_t int_field(json_t *ev, const char *key)
{
	json_t *v = json_object_get(ev, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static const char *string_field(json_t *ev, const char *key)
{
	json_t *v = json_object_get(ev, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* The end event of job_id, after checking that a start precedes it (and
 * only memory samples come between). */
static json_t *end_event(struct fixture *f, uint32_t job_id)
{
	json_t *all = events_of(f, job_id), *end;
	size_t n = json_array_size(all);

	assert_true(n >= 2);
	assert_string_equal(string_field(json_array_get(all, 0), "event"), "start");
	for (size_t i = 1; i + 1 < n; i++)
		assert_string_equal(string_field(json_array_get(all, i), "event"), "sample");
	end = json_incref(json_array_get(all, n - 1));
	assert_string_equal(string_field(end, "event"), "end");
	json_decref(all);
	return end;
}

/* The ENDED report of job_id. */
static const struct local_task_report *ended(struct fixture *f, uint32_t job_id)
{
	for (size_t i = 0; i < f->n_reports; i++)
		if (f->reports[i].phase == LOCAL_TASK_ENDED && f->reports[i].job_id == job_id)
			return &f->reports[i];
	fail_msg("no end report for job %u", job_id);
	return NULL;
}

static size_t count_phase(struct fixture *f, enum local_task_phase phase)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_reports; i++)
		n += f->reports[i].phase == phase;
	return n;
}

static const char mixed_script[] =
	"printf '%s|' \"$SLURM_ARRAY_TASK_ID\" \"$SLURM_ARRAY_JOB_ID\" \"$SLURM_JOB_ID\" "
	"\"$SLURM_ARRAY_TASK_COUNT\" \"$SLURM_ARRAY_TASK_MIN\" \"$SLURM_ARRAY_TASK_MAX\" "
	"\"$SLURM_JOB_NAME\" \"$SLURMD_NODENAME\" \"$SLURM_RESTART_COUNT\" \"$SLURM_JOB_PARTITION\" "
	"\"$SLURM_CPUS_PER_TASK\" \"$SCALABLE_INDEX_OFFSET\" \"${SLURM_STALE-unset}\" "
	"\"$(tr -d '\\n' </dev/stdin)\" >\"$SCALABLE_RUN_DIR/env.$SLURM_ARRAY_TASK_ID\"\n"
	"echo \"hello from $SLURM_ARRAY_TASK_ID\"\n"
	"case $((SLURM_ARRAY_TASK_ID % 4)) in\n"
	"1) exit 1 ;;\n"
	"2) exit 75 ;;\n"
	"3) kill -USR1 $$ ;;\n"
	"esac\n"
	"exit 0\n";

/* Exit status and signal expected for array task id i of the mixed script. */
static void expect_outcome(json_t *end, size_t id)
{
	static const int codes[] = { 0, 1, 75, 128 + SIGUSR1 };

	assert_int_equal(int_field(end, "exit_code"), codes[id % 4]);
	assert_int_equal(int_field(end, "signal"), id % 4 == 3 ? SIGUSR1 : 0);
	assert_string_equal(string_field(end, "inferred_cause"),
			    id % 4 == 3 ? "signaled" : "exited");
	assert_int_equal(int_field(end, "oom_kill_count"), 0);
}

/* What the script saw of its environment. */
static void expect_env(struct fixture *f, size_t id, uint32_t job_id)
{
	char rel[32], want[256];
	char *seen;

	snprintf(rel, sizeof rel, "env.%zu", id);
	seen = tmpdir_read(f->dir, rel);
	assert_non_null(seen);
	snprintf(want, sizeof want, "%zu|100|%u|8|8|15|sweep.model|testnode|0|local|2|1000|unset||",
		 id, job_id);
	assert_string_equal(seen, want);
	free(seen);
}

/* 8 tasks ending 0, 1, 75 and by a signal: events, reports, environment. */
static void test_mixed_exits(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_chunk extra = { .job_name = "sweep.model", .cpus_per_task = 2 };
	char run_dir_var[4200];
	char *env[] = { run_dir_var, "SCALABLE_RUN_ID=run-x", "SCALABLE_INDEX_OFFSET=1000",
			"SCALABLE_ATTEMPT=2", NULL };
	struct local_executor *x;

	snprintf(run_dir_var, sizeof run_dir_var, "SCALABLE_RUN_DIR=%s", f->dir);
	setenv("SLURM_STALE", "from an outer job", 1);
	o.concurrency = 8;
	x = local_executor_new(&o);
	assert_non_null(x);
	submit(x, script(f, mixed_script), env, 8, 8, 100, &extra);
	pump(x);
	local_executor_free(x);
	unsetenv("SLURM_STALE");
	assert_int_equal(count_phase(f, LOCAL_TASK_STARTED), 8);
	assert_int_equal(count_phase(f, LOCAL_TASK_ENDED), 8);
	for (size_t i = 0; i < 8; i++) {
		uint32_t job_id = 100 + (uint32_t)i;
		json_t *end = end_event(f, job_id);

		expect_outcome(end, 8 + i);
		expect_env(f, 8 + i, job_id);
		assert_int_equal(int_field(end, "array_job_id"), 100);
		assert_int_equal(int_field(end, "array_task_id"), 8 + i);
		assert_int_equal(int_field(end, "task_id"), 1008 + i);
		assert_int_equal(int_field(end, "attempt"), 2);
		assert_string_equal(string_field(end, "run_id"), "run-x");
		assert_string_equal(string_field(end, "node"), "testnode");
		assert_string_equal(string_field(end, "step_id"), "batch");
		assert_true(json_is_null(json_object_get(end, "time_limit_s")));
		assert_int_equal(ended(f, job_id)->outcome.exit_code,
				 int_field(end, "exit_code"));
		json_decref(end);
	}
	char *out = tmpdir_read(f->dir, "logs/slurm-100_9.out");
	assert_non_null(out);
	assert_string_equal(out, "hello from 9\n");
	free(out);
}

/* A chunk whose env asks for layout 2 (as the plugin reads it) has its
 * events fanned out, and its own --output pattern, directories made. */
static void test_layout_2_chunk(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_chunk extra = { .output_pattern = "logs/slurm/model/1000/slurm-%A_%a.out" };
	char *env[] = { "SCALABLE_RUN_ID=run-x", "SCALABLE_INDEX_OFFSET=1000",
			"SCALABLE_EVENTS_LAYOUT=2", NULL };
	struct local_executor *x = local_executor_new(&o);
	char *out;

	assert_non_null(x);
	submit(x, script(f, "echo out $SLURM_ARRAY_TASK_ID\n"), env, 999, 2, 300, &extra);
	pump(x);
	local_executor_free(x);
	assert_int_equal(tmpdir_count_lines(f->dir, "events/300/0/300.batch.0.jsonl"), 2);
	assert_int_equal(tmpdir_count_lines(f->dir, "events/300/1/301.batch.0.jsonl"), 2);
	assert_int_equal(tmpdir_count_lines(f->dir, "events/300.batch.0.jsonl"), -1);
	out = tmpdir_read(f->dir, "logs/slurm/model/1000/slurm-300_1000.out");
	assert_non_null(out);
	assert_string_equal(out, "out 1000\n");
	free(out);
}

/* Marks in a counter directory: what the tasks themselves saw running. */
static const char busy_script[] =
	"d=\"$SCALABLE_RUN_DIR/busy\"; mkdir -p \"$d\"\n"
	"touch \"$d/$SLURM_JOB_ID\"\n"
	"ls \"$d\" | wc -l >>\"$SCALABLE_RUN_DIR/seen\"\n"
	"sleep 0.2\n"
	"rm \"$d/$SLURM_JOB_ID\"\n";

/* The largest count the tasks wrote into "seen". */
static int max_seen(struct fixture *f)
{
	char *text = tmpdir_read(f->dir, "seen"), *p = text;
	int max = 0;

	assert_non_null(text);
	while (*p) {
		int n = (int)strtol(p, &p, 10);

		max = n > max ? n : max;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	free(text);
	return max;
}

/* A budget of 2 CPUs: 6 one-CPU tasks run 2 at a time at most. */
static void test_concurrency_limit(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	char run_dir_var[4200];
	char *env[] = { run_dir_var, NULL };
	struct local_executor *x;

	snprintf(run_dir_var, sizeof run_dir_var, "SCALABLE_RUN_DIR=%s", f->dir);
	o.concurrency = 2;
	x = local_executor_new(&o);
	submit(x, script(f, busy_script), env, 0, 6, 1, NULL);
	pump(x);
	local_executor_free(x);
	assert_int_equal(count_phase(f, LOCAL_TASK_ENDED), 6);
	assert_int_equal(f->max_running, 2);
	assert_true(max_seen(f) <= 2);
}

/* CPUs per task and the array throttle both cap what runs at once. */
static void test_cpus_and_throttle(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	char run_dir_var[4200];
	char *env[] = { run_dir_var, NULL };
	struct local_chunk two_cpus = { .cpus_per_task = 2 }, throttled = { .throttle = 1 };
	struct local_executor *x;

	snprintf(run_dir_var, sizeof run_dir_var, "SCALABLE_RUN_DIR=%s", f->dir);
	o.concurrency = 4;
	x = local_executor_new(&o);
	submit(x, script(f, busy_script), env, 0, 4, 1, &two_cpus);
	pump(x);
	assert_int_equal(f->max_running, 2);
	f->max_running = 0;
	submit(x, script(f, busy_script), env, 0, 3, 10, &throttled);
	pump(x);
	assert_int_equal(f->max_running, 1);
	local_executor_free(x);
	assert_int_equal(count_phase(f, LOCAL_TASK_ENDED), 7);
}

/* Above 50M of summed RSS the group is SIGKILLed and the end says oom. */
static void test_memory_limit(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_executor *x;
	json_t *end;

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		skip();
	o.memory_limit_bytes = 50u << 20;
	x = local_executor_new(&o);
	submit(x, script(f, "python3 -c \"x = b'x' * (300 * 1024 * 1024); import time; "
			    "time.sleep(20)\"\n"), NULL, 0, 1, 7, NULL);
	pump(x);
	local_executor_free(x);
	end = end_event(f, 7);
	assert_string_equal(string_field(end, "inferred_cause"), "oom");
	assert_int_equal(int_field(end, "oom_kill_count"), 1);
	assert_int_equal(int_field(end, "signal"), SIGKILL);
	assert_int_equal(int_field(end, "mem_limit_bytes"), 50 << 20);
	assert_true(int_field(end, "max_rss_bytes") >= 50 << 20);
	assert_true(ended(f, 7)->oom_killed);
	json_decref(end);
}

/* A task that grows past 80 % and 90 % of its limit and holds at 95 %
 * gets the plugin's samples: one "90" (after one "80" unless it jumped
 * past both between two readings), "above_90" only at 90 % or more, each
 * percent its current_bytes of its limit, before its end. */
static void test_memory_samples(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_executor *x;
	json_t *all, *ev;
	size_t i, said_80 = 0, said_90 = 0, at_90 = 0;

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		skip();
	o.memory_limit_bytes = 100u << 20;
	x = local_executor_new(&o);
	submit(x, script(f, "python3 -c \"\n"
			    "import time\n"
			    "def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096\n"
			    "keep = []\n"
			    "while rss() < 95 * 1024 * 1024:\n"
			    "    keep.append(b'x' * (1024 * 1024)); time.sleep(0.02)\n"
			    "time.sleep(1.2)\n"
			    "\"\n"), NULL, 0, 1, 8, NULL);
	pump(x);
	local_executor_free(x);
	json_decref(end_event(f, 8));  /* start, samples, end */
	all = events_of(f, 8);
	json_array_foreach(all, i, ev) {
		const char *threshold;
		double percent, exact;

		if (strcmp(string_field(ev, "event"), "sample") != 0)
			continue;
		threshold = string_field(ev, "threshold");
		percent = json_number_value(json_object_get(ev, "percent"));
		assert_int_equal(int_field(ev, "limit_bytes"), 100 << 20);
		assert_true(percent >= 80 && percent <= 100);
		exact = 100.0 * (double)int_field(ev, "current_bytes") / (double)(100 << 20);
		assert_true(percent - exact <= 0.1 && exact - percent <= 0.1);
		assert_true(json_is_null(json_object_get(ev, "oom_count")));
		if (!strcmp(threshold, "80")) {
			assert_int_equal(said_90, 0);
			assert_true(percent < 90);
			said_80++;
		} else {
			assert_true(percent >= 90);
			if (!strcmp(threshold, "90"))
				said_90++;
			else
				assert_int_equal(said_90, 1);  /* above_90 only after the 90 */
			at_90++;
		}
	}
	assert_true(said_80 <= 1);
	assert_int_equal(said_90, 1);
	assert_true(at_90 >= 1);
	assert_int_equal(ended(f, 8)->outcome.exit_code, 0);
	json_decref(all);
}

/* The banner slurmstepd writes at the time limit, in the slurm output. */
static void expect_banner(struct fixture *f, const char *rel, uint32_t job_id,
			  const char *reason)
{
	char *out = tmpdir_read(f->dir, rel), prefix[128];

	assert_non_null(out);
	snprintf(prefix, sizeof prefix, "slurmstepd: error: *** JOB %u ON testnode CANCELLED AT ",
		 job_id);
	assert_non_null(strstr(out, prefix));
	assert_non_null(strstr(out, reason));
	free(out);
}

/* Walltime 1 s: banner, SIGTERM ends it, "timeout?". */
static void test_walltime_sigterm(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_chunk one_second = { .walltime_s = 1 };
	struct local_executor *x;
	json_t *end;

	o.walltime_s = 3600;   /* the chunk's own walltime wins */
	o.kill_wait_ms = 10000;
	x = local_executor_new(&o);
	submit(x, script(f, "sleep 60\n"), NULL, 5, 1, 20, &one_second);
	pump(x);
	local_executor_free(x);
	end = end_event(f, 20);
	assert_int_equal(int_field(end, "signal"), SIGTERM);
	assert_int_equal(int_field(end, "time_limit_s"), 1);
	assert_string_equal(string_field(end, "inferred_cause"), "timeout?");
	assert_true(ended(f, 20)->timed_out);
	expect_banner(f, "logs/slurm-20_5.out", 20, " DUE TO TIME LIMIT ***\n");
	json_decref(end);
}

/* A task that ignores SIGTERM is SIGKILLed after kill_wait. */
static void test_walltime_sigkill(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_executor *x;
	json_t *end;

	o.walltime_s = 1;
	x = local_executor_new(&o);
	submit(x, script(f, "trap '' TERM\nsleep 60\n"), NULL, 0, 1, 30, NULL);
	pump(x);
	local_executor_free(x);
	end = end_event(f, 30);
	assert_int_equal(int_field(end, "signal"), SIGKILL);
	assert_string_equal(string_field(end, "inferred_cause"), "timeout?");
	json_decref(end);
}

/* True when a live (not zombie) process is in process group pgid: a
 * killed orphan stays a zombie until init reaps it, which may take a while. */
static bool group_alive(pid_t pgid)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	bool alive = false;

	assert_non_null(proc);
	while (!alive && (e = readdir(proc)) != NULL) {
		char path[300], buf[512], state = 0;
		int pgrp = 0;
		FILE *fp;

		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		if (fgets(buf, sizeof buf, fp) && strrchr(buf, ')') &&
		    sscanf(strrchr(buf, ')') + 1, " %c %*d %d", &state, &pgrp) == 2)
			alive = pgrp == pgid && state != 'Z';
		fclose(fp);
	}
	closedir(proc);
	return alive;
}

/* True when nothing is left alive in any group a task started (a SIGKILLed
 * process may take a moment to die, so this retries for a while). */
static bool groups_gone(struct fixture *f)
{
	int64_t give_up = now_ms() + 5000;

	for (size_t i = 0; i < f->n_pids; i++) {
		while (group_alive(f->pids[i]) && now_ms() < give_up)
			usleep(10000);
		if (group_alive(f->pids[i]))
			return false;
	}
	return true;
}

/* Cancel: queued tasks dropped, running ones (and their children) ended. */
static void test_cancel(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_executor *x;

	o.concurrency = 2;
	x = local_executor_new(&o);
	submit(x, script(f, "sleep 60 &\nsleep 60\n"), NULL, 0, 5, 40, NULL);
	assert_int_equal(local_executor_run_once(x, 0), 5);
	local_executor_cancel(x);
	pump(x);
	assert_int_equal(count_phase(f, LOCAL_TASK_DROPPED), 3);
	assert_int_equal(count_phase(f, LOCAL_TASK_ENDED), 2);
	assert_true(ended(f, 40)->cancelled);
	assert_int_equal(ended(f, 41)->outcome.signal, SIGTERM);
	expect_banner(f, "logs/slurm-40_0.out", 40, "CANCELLED AT ");
	assert_true(groups_gone(f));
	local_executor_free(x);
}

/* free() with work in flight leaves no process behind, and no end event:
 * the orchestrator left, the task did not fail (a re-attached one settles
 * it as after a crash). */
static void test_free_kills(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_executor *x = local_executor_new(&o);
	json_t *events;

	submit(x, script(f, "trap '' TERM\nsleep 60\n"), NULL, 0, 3, 50, NULL);
	local_executor_run_once(x, 0);
	local_executor_free(x);
	assert_int_equal(count_phase(f, LOCAL_TASK_ENDED), 3);
	assert_true(groups_gone(f));
	for (uint32_t job = 50; job < 53; job++) {
		events = events_of(f, job);
		assert_int_equal(json_array_size(events), 1);
		assert_string_equal(string_field(json_array_get(events, 0), "event"), "start");
		json_decref(events);
	}
}

/* What a script leaves running in its group dies with it, as in Slurm. */
static void test_leftovers_killed(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_executor *x = local_executor_new(&o);

	submit(x, script(f, "sleep 60 &\nexit 3\n"), NULL, 0, 1, 60, NULL);
	pump(x);
	assert_int_equal(ended(f, 60)->outcome.exit_code, 3);
	assert_true(groups_gone(f));
	local_executor_free(x);
}

/* A command that cannot start ends at once like a shell's "not found". */
static void test_launch_failure(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_executor *x = local_executor_new(&o);
	char *argv[] = { "/nonexistent/bash", "job.sh", NULL };
	size_t id = 4;
	struct local_chunk c = { .argv = argv, .array_task_ids = &id, .n = 1, .array_job_id = 70 };
	json_t *end;

	assert_int_equal(local_executor_submit(x, &c), 0);
	pump(x);
	local_executor_free(x);
	/* posix_spawn reports the failed exec (ENOENT), or where it cannot (under
	 * valgrind) the child exits 127 as a shell would: the same outcome. */
	assert_true(ended(f, 70)->launch_errno == ENOENT || ended(f, 70)->launch_errno == 0);
	assert_int_equal(ended(f, 70)->outcome.exit_code, 127);
	end = end_event(f, 70);
	assert_int_equal(int_field(end, "exit_code"), 127);
	json_decref(end);
}

/* Bad chunks and options are refused. */
static void test_invalid(void **state)
{
	struct fixture *f = *state;
	struct local_executor_options o = options(f);
	struct local_executor *x;
	char *argv[] = { "bash", NULL };
	size_t id = 0;
	struct local_chunk c = { .argv = argv, .array_task_ids = &id, .n = 1, .array_job_id = 0 };

	o.run_dir = NULL;
	assert_null(local_executor_new(&o));
	o = options(f);
	x = local_executor_new(&o);
	assert_int_equal(local_executor_submit(x, &c), -1);
	assert_int_equal(errno, EINVAL);
	c.array_job_id = UINT32_MAX;
	c.n = 1;
	assert_int_equal(local_executor_submit(x, &c), 0);
	local_executor_free(x);
}

static const char plan_yaml[] =
	"version: 1\n"
	"project: demo\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model:\n"
	"    command: echo value {{ n }} task $SLURM_ARRAY_TASK_ID\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 4}\n";

/* Submits every chunk of the plan's first group, ids counted from 1. */
static void submit_plan(struct local_executor *x, const struct plan_group *g)
{
	uint32_t next_id = 1;

	for (size_t c = 0; c < g->n_chunks; c++) {
		const struct plan_chunk *chunk = &g->chunks[c];
		size_t ids[MAX_REPORTS];
		struct local_chunk lc = { .argv = chunk->argv, .env = chunk->env,
					  .array_task_ids = ids, .n = chunk->count,
					  .array_job_id = next_id,
					  .cpus_per_task = g->resources.cpus };

		for (size_t i = 0; i < chunk->count; i++)
			ids[i] = g->tasks[chunk->first + i].index - chunk->offset;
		assert_int_equal(local_executor_submit(x, &lc), 0);
		next_id += (uint32_t)chunk->count;
	}
}

/* The real thing: a plan's rendered scripts and chunks, run locally. */
static void test_runs_a_plan(void **state)
{
	struct fixture *f = *state;
	struct config *config = load_config_text(f->dir, plan_yaml);
	struct plan_options po = { .run_dir = f->dir, .run_id = "run-p", .wave = "w001",
				   .max_array_size = 2 };
	struct local_executor_options o = options(f);
	struct local_executor *x;
	struct plan *plan;
	struct error err;

	po.target = config_target(config, NULL);
	assert_int_equal(plan_initial(config, &po, &plan, &err), 0);
	if (plan_write_scripts(plan, &err) != 0)
		fail_msg("%s", err.text);
	x = local_executor_new(&o);
	submit_plan(x, &plan->groups[0]);
	pump(x);
	local_executor_free(x);
	assert_int_equal(count_phase(f, LOCAL_TASK_ENDED), plan->groups[0].n_tasks);
	for (uint32_t job = 1; job <= plan->groups[0].n_tasks; job++) {
		json_t *end = end_event(f, job);
		json_int_t index = int_field(end, "task_id");
		char rel[64], want[64], *out;

		assert_int_equal(int_field(end, "exit_code"), 0);
		assert_int_equal(int_field(end, "attempt"), 1);
		assert_string_equal(string_field(end, "run_id"), "run-p");
		snprintf(rel, sizeof rel, "logs/model-%lld.1.out", (long long)index);
		snprintf(want, sizeof want, "value %lld task %lld\n", (long long)index,
			 (long long)(index % 2));
		out = tmpdir_read(f->dir, rel);
		assert_non_null(out);
		assert_string_equal(out, want);
		free(out);
		json_decref(end);
	}
	plan_free(plan);
	config_free(config);
}

static void test_filename_pattern(void **state)
{
	(void)state;
	struct slurm_filename_values v = { .job_id = 12, .array_job_id = 10, .array_task_id = 7,
					   .job_name = "p.c", .node = "n1", .user = "me" };
	char *s = slurm_filename_expand("logs/slurm-%A_%a.out %j %3a %x %N %u %% %q %", &v);

	assert_string_equal(s, "logs/slurm-10_7.out 12 007 p.c n1 me % %q %");
	free(s);
}

static void test_proc_stat_parse(void **state)
{
	(void)state;
	pid_t pgid = 0;
	uint64_t rss = 0;
	const char *stat = "4242 (a b) (c)) S 1 4240 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 "
			   "1 0 100 123456 789 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 "
			   "1 0 0 0 0 0";

	assert_int_equal(proc_stat_pgid_rss(stat, &pgid, &rss), 0);
	assert_int_equal(pgid, 4240);
	assert_int_equal(rss, 789);
	assert_int_equal(proc_stat_pgid_rss("12 (x) S 1", &pgid, &rss), -1);
}

static void test_group_scan_sees_self(void **state)
{
	(void)state;
	struct pgroup_rss g = { .pgid = getpgrp() };

	assert_int_equal(process_group_rss_scan("/proc", &g, 1), 0);
	assert_true(g.nprocs >= 1);
	assert_true(g.rss_bytes > 0);
}

/* Slurm's variables win over the task's own, its own over the chunk's, the
 * chunk's over inherited ones; inherited SLURM_* are dropped. */
static void test_env_precedence(void **state)
{
	(void)state;
	char *inherited[] = { "PATH=/bin", "SLURM_JOB_ID=999", "SLURMD_NODENAME=x", "A=old", NULL };
	char *additions[] = { "A=new", "B=chunk", "SLURM_ARRAY_TASK_ID=77", NULL };
	struct local_task_slurm_vars v = { .job_id = 5, .array_job_id = 5, .array_task_id = 3,
					   .task_count = 1, .task_min = 3, .task_max = 3,
					   .job_name = "j", .node = "n", .submit_dir = "/s" };
	char **env = local_task_env_build(inherited, additions, "B=own", &v);

	assert_string_equal(local_task_env_get(env, "SLURM_JOB_ID"), "5");
	assert_string_equal(local_task_env_get(env, "SLURM_ARRAY_TASK_ID"), "3");
	assert_string_equal(local_task_env_get(env, "SLURMD_NODENAME"), "n");
	assert_string_equal(local_task_env_get(env, "A"), "new");
	assert_string_equal(local_task_env_get(env, "B"), "own");
	assert_string_equal(local_task_env_get(env, "PATH"), "/bin");
	assert_null(local_task_env_get(env, "SLURM_CPUS_PER_TASK"));
	local_task_env_free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filename_pattern),
		cmocka_unit_test(test_proc_stat_parse),
		cmocka_unit_test(test_group_scan_sees_self),
		cmocka_unit_test(test_env_precedence),
		cmocka_unit_test_setup_teardown(test_mixed_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_2_chunk, setup, teardown),
		{ "test_mixed_exits_sigchld_pipe", test_mixed_exits, setup_no_pidfd, teardown, NULL },
		cmocka_unit_test_setup_teardown(test_concurrency_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpus_and_throttle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walltime_sigterm, setup, teardown),
		{ "test_walltime_sigkill_sigchld_pipe", test_walltime_sigkill, setup_no_pidfd, teardown,
		  NULL },
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leftovers_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_launch_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_a_plan, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
