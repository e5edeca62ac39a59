/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose_gen DIR [FAILURES]: writes a run directory with FAILURES failure
 * records (default 1,000,000) and the tasks.jsonl, scenarios.jsonl and
 * run.json that go with them, in the field order the orchestrator writes.
 * Every task fails once: index % 7 == 0 runs out of memory (on node c12),
 * 1-3 fail with a transient error and succeed on attempt 2, 4 cannot read
 * their input, 5 time out, 6 miss a Python module. Each attempt has its
 * submitted, running and final rows. For diagnose_bench.sh. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RUN_ID "run-20260101T000000Z-energy-0badcafe"
#define GIB (1ull << 30)
#define STAMP "2026-01-01T01:00:00.000Z"

static const char *const regions[] = { "north", "south", "east", "west", "central" };
static const char *const kinds[] = { "baseline", "efficiency", "electrification",
				     "high-growth" };

struct attempt {
	unsigned long index;
	unsigned attempt;
	const char *state, *worker, *cls, *message, *error_type, *traceback;
	double duration;
	unsigned long long rss, memory;
	int exit_code;
};

static void task_row(FILE *out, const struct attempt *a, const char *state)
{
	int final = !strcmp(state, "succeeded") || !strcmp(state, "failed");
	int failed = !strcmp(state, "failed");

	fprintf(out, "{\"event_type\":\"task\",\"schema_version\":1,\"run_id\":\"%s\","
		"\"task_id\":%lu,\"task_name\":\"model-%lu\",\"component\":\"model\","
		"\"tag\":\"model\",\"attempt\":%u,\"state\":\"%s\",\"timestamp\":\"%s\",",
		RUN_ID, a->index, a->index, a->attempt, state, STAMP);
	if (final)
		fprintf(out, "\"duration_s\":%.3f,", a->duration);
	else
		fputs("\"duration_s\":null,", out);
	fprintf(out, "\"worker\":%s%s%s,\"job_id\":%lu,\"array_job_id\":%lu,"
		"\"array_task_id\":%lu,", strcmp(state, "submitted") ? "\"" : "",
		strcmp(state, "submitted") ? a->worker : "null",
		strcmp(state, "submitted") ? "\"" : "", 1000 + a->index / 1000 * 2 + a->attempt,
		1000 + a->index / 1000 * 2 + a->attempt, a->index % 1000);
	if (final)
		fprintf(out, "\"exit_code\":%d,\"signal\":0,\"max_rss_bytes\":%llu,", a->exit_code,
			a->rss);
	else
		fputs("\"exit_code\":null,\"signal\":null,\"max_rss_bytes\":null,", out);
	fprintf(out, "\"requested_memory_bytes\":%llu,\"requested_walltime_s\":600,", a->memory);
	if (failed)
		fprintf(out, "\"failure_class\":\"%s\",\"error_type\":%s%s%s,\"error_message\":\"%s\",",
			a->cls, a->error_type ? "\"" : "", a->error_type ? a->error_type : "null",
			a->error_type ? "\"" : "", a->message);
	else
		fputs("\"failure_class\":null,\"error_type\":null,\"error_message\":null,", out);
	fputs("\"wave\":\"w001\",\"restart_count\":0}\n", out);
}

static void failure_record(FILE *out, const struct attempt *a)
{
	unsigned long job = 1000 + a->index / 1000 * 2 + a->attempt;

	fprintf(out, "{\"event_type\":\"failure\",\"schema_version\":1,\"run_id\":\"%s\","
		"\"failure_class\":\"%s\",\"message\":\"%s\",\"timestamp\":\"%s\","
		"\"provider\":\"slurm\",\"task_id\":%lu,\"details\":{\"phase\":\"run\","
		"\"task_id\":%lu,\"worker_id\":\"%s\",\"attempt\":%u,\"job_id\":%lu,"
		"\"slurm_state\":\"%s\",\"exit_code\":%d,\"signal\":0,\"traceback\":\"%s\","
		"\"retry\":{\"action\":\"%s\",\"reason\":\"policy\"},\"evidence\":{\"decided_by\":"
		"\"stderr\",\"matched\":\"pattern\",\"slurm_state\":\"%s\",\"slurm_reason\":null,"
		"\"end_event\":true,\"exit_code\":%d,\"signal\":0,\"oom_kill_count\":0,"
		"\"inferred_cause\":\"exited\",\"elapsed_s\":%.3f,\"time_limit_s\":600},"
		"\"error_type\":%s%s%s,\"restart_count\":0},\"task_name\":\"model-%lu\","
		"\"component\":\"model\",\"attempt\":%u,\"error_type\":%s%s%s}\n",
		RUN_ID, a->cls, a->message, STAMP, a->index, a->index, a->worker, a->attempt, job,
		!strcmp(a->cls, "timeout") ? "TIMEOUT" : "FAILED", a->exit_code, a->traceback,
		!strcmp(a->cls, "transient") ? "retry" : "fail",
		!strcmp(a->cls, "timeout") ? "TIMEOUT" : "FAILED", a->exit_code, a->duration,
		a->error_type ? "\"" : "", a->error_type ? a->error_type : "null",
		a->error_type ? "\"" : "", a->index, a->attempt, a->error_type ? "\"" : "",
		a->error_type ? a->error_type : "null", a->error_type ? "\"" : "");
}

static void attempt_rows(FILE *tasks, FILE *failures, const struct attempt *a)
{
	task_row(tasks, a, "submitted");
	task_row(tasks, a, "running");
	if (!strcmp(a->state, "failed"))
		failure_record(failures, a);
	task_row(tasks, a, a->state);
}

/* Task i's failing attempt, by i % 7; its message is written into buf. */
static void failing_attempt(unsigned long i, struct attempt *a, char *buf, size_t len,
			    char *tb, size_t tblen)
{
	static const char *const mod_tb =
		"Traceback (most recent call last):\\n  File \\\"/home/u/energy/model.py\\\", "
		"line 3, in <module>\\n    import pandas\\nModuleNotFoundError: No module named "
		"'pandas'";

	a->state = "failed";
	a->exit_code = 1;
	switch (i % 7) {
	case 0:
		snprintf(buf, len, "OOM: scenario %lu exceeded memory limit", i);
		a->cls = "oom", a->error_type = "RuntimeError", a->worker = "c12";
		a->rss = 24 * GIB;
		break;
	case 1: case 2: case 3:
		snprintf(buf, len, "ConnectionError: Connection timed out (db.example.org:5432)");
		a->cls = "transient", a->error_type = "ConnectionError", a->exit_code = 75;
		break;
	case 4:
		snprintf(buf, len, "FileNotFoundError: [Errno 2] No such file or directory: "
			 "'/data/in/scenario_%lu.csv'", i);
		a->cls = "input_error", a->error_type = "FileNotFoundError", a->exit_code = 65;
		break;
	case 5:
		snprintf(buf, len, "TIMEOUT: reached its time limit");
		a->cls = "timeout", a->error_type = NULL, a->exit_code = 143, a->duration = 600.2;
		break;
	default:
		snprintf(buf, len, "ModuleNotFoundError: No module named 'pandas'");
		a->cls = "dependency_error", a->error_type = "ModuleNotFoundError";
	}
	a->message = buf;
	if (i % 7 == 6)
		snprintf(tb, tblen, "%s", mod_tb);
	else
		snprintf(tb, tblen, "Traceback (most recent call last):\\n  File \\\"/home/u/energy/"
			 "model.py\\\", line 40, in <module>\\n    main()\\n  File \\\"/home/u/energy/"
			 "model.py\\\", line 31, in main\\n    run(args)\\n%s", buf);
	a->traceback = tb;
}

static void write_task(FILE *tasks, FILE *failures, unsigned long i)
{
	char message[256], tb[1024], worker[8];
	struct attempt a = { .index = i, .attempt = 1, .memory = 24 * GIB, .rss = 2 * GIB,
			     .duration = 60 + (double)(i % 97) * 3 };

	snprintf(worker, sizeof worker, "c%03lu", i % 64 + 1);
	a.worker = worker;
	failing_attempt(i, &a, message, sizeof message, tb, sizeof tb);
	attempt_rows(tasks, failures, &a);
	if (!strcmp(a.cls, "transient")) {
		a.attempt = 2, a.state = "succeeded", a.exit_code = 0, a.rss = 2 * GIB;
		attempt_rows(tasks, failures, &a);
	}
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "w"))) {
		fprintf(stderr, "diagnose_gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
	FILE *run, *tasks, *failures, *scenarios;

	if (argc < 2 || n == 0) {
		fprintf(stderr, "usage: diagnose_gen DIR [FAILURES]\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	run = open_in(argv[1], "run.json");
	fprintf(run, "{\"event_type\":\"run\",\"schema_version\":1,\"run_id\":\"%s\","
		"\"project_name\":\"energy\",\"target_name\":\"hpc\",\"provider_name\":\"slurm\","
		"\"manifest_lock\":\"%064d\",\"source_manifest_path\":\"/home/u/energy/scalable.yaml\","
		"\"started_at\":\"2026-01-01T00:00:00.000Z\",\"finished_at\":"
		"\"2026-01-01T08:00:00.000Z\",\"status\":\"failed\",\"summary\":null}\n", RUN_ID, 0);
	tasks = open_in(argv[1], "tasks.jsonl");
	failures = open_in(argv[1], "failures.jsonl");
	scenarios = open_in(argv[1], "scenarios.jsonl");
	for (unsigned long i = 0; i < n; i++) {
		fprintf(scenarios, "{\"event_type\":\"scenario\",\"schema_version\":1,\"index\":%lu,"
			"\"parameters\":{\"region\":\"%s\",\"scenario\":\"%s\",\"year\":\"%lu\"}}\n",
			i, regions[i / 40 % 5], kinds[i / 10 % 4], 2025 + i % 10 * 5);
		write_task(tasks, failures, i);
	}
	if (fclose(run) || fclose(tasks) || fclose(failures) || fclose(scenarios)) {
		fprintf(stderr, "diagnose_gen: cannot write %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
