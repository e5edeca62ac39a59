/* SPDX-License-Identifier: GPL-2.0-or-later */
/* export_gen DIR [ATTEMPTS]: writes a run directory of ATTEMPTS attempts
 * (default 1,000,000) for export_bench.sh: run.json, plan.json (one
 * component, 4G), scenarios.jsonl (region: string, year: int, rate:
 * double, green: boolean) and tasks.jsonl (submitted, running and final row
 * per attempt, in the field order the orchestrator writes) with
 * failures.jsonl. Task i: i % 10 == 3 fails with a transient error and
 * succeeds on attempt 2, i % 50 == 7 runs out of memory for good, i % 97 ==
 * 5 cannot read its input; the rest succeed. Times advance 50 ms a task. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define RUN_ID "run-20260101T000000Z-energy-0badcafe"
#define GIB (1ull << 30)
#define EPOCH_MS 1767225600000LL  /* 2026-01-01T00:00:00Z */

static const char *const regions[] = { "north", "south", "east", "west", "central" };

struct attempt {
	unsigned long index;
	unsigned attempt;
	const char *cls, *message, *error_type;
	long long start_ms;
	double duration;
	unsigned long long rss;
	int exit_code;
};

static const char *stamp(long long ms, char *buf, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
	return buf;
}

static void task_row(FILE *out, const struct attempt *a, const char *state, long long ms)
{
	int final = strcmp(state, "submitted") && strcmp(state, "running");
	int failed = a->cls != NULL && final;
	unsigned long job = 5000 + a->index / 1000 * 2 + a->attempt;
	char t[96];

	fprintf(out, "{\"event_type\":\"task\",\"schema_version\":1,\"run_id\":\"%s\","
		"\"task_id\":%lu,\"task_name\":\"model-%lu\",\"component\":\"model\","
		"\"tag\":\"model\",\"attempt\":%u,\"state\":\"%s\",\"timestamp\":\"%s\",",
		RUN_ID, a->index, a->index, a->attempt, state, stamp(ms, t, sizeof t));
	if (final)
		fprintf(out, "\"duration_s\":%.3f,", a->duration);
	else
		fputs("\"duration_s\":null,", out);
	if (strcmp(state, "submitted"))
		fprintf(out, "\"worker\":\"c%03lu\",", a->index % 64 + 1);
	else
		fputs("\"worker\":null,", out);
	fprintf(out, "\"job_id\":%lu,\"array_job_id\":%lu,\"array_task_id\":%lu,", job, job,
		a->index % 1000);
	if (final)
		fprintf(out, "\"exit_code\":%d,\"signal\":0,\"max_rss_bytes\":%llu,", a->exit_code,
			a->rss);
	else
		fputs("\"exit_code\":null,\"signal\":null,\"max_rss_bytes\":null,", out);
	fprintf(out, "\"requested_memory_bytes\":%llu,\"requested_walltime_s\":3600,", 4 * GIB);
	if (failed)
		fprintf(out, "\"failure_class\":\"%s\",\"error_type\":\"%s\",\"error_message\":\"%s\",",
			a->cls, a->error_type, a->message);
	else
		fputs("\"failure_class\":null,\"error_type\":null,\"error_message\":null,", out);
	fprintf(out, "\"wave\":\"w00%u\",\"restart_count\":0}\n", a->attempt);
}

static void failure_record(FILE *out, const struct attempt *a, long long ms)
{
	int retry = !strcmp(a->cls, "transient");
	char t[96];

	fprintf(out, "{\"event_type\":\"failure\",\"schema_version\":1,\"run_id\":\"%s\","
		"\"failure_class\":\"%s\",\"message\":\"%s\",\"timestamp\":\"%s\","
		"\"provider\":\"slurm\",\"task_id\":%lu,\"details\":{\"phase\":\"run\","
		"\"task_id\":%lu,\"worker_id\":\"c%03lu\",\"attempt\":%u,\"job_id\":%lu,"
		"\"slurm_state\":\"FAILED\",\"exit_code\":%d,\"signal\":0,\"traceback\":"
		"\"Traceback (most recent call last):\\n  File \\\"model.py\\\", line 40\\n%s\","
		"\"retry\":{\"action\":\"%s\",\"summary\":\"%s\"},\"evidence\":{\"decided_by\":"
		"\"exit_code\"},\"error_type\":\"%s\",\"restart_count\":0},\"task_name\":"
		"\"model-%lu\",\"component\":\"model\",\"attempt\":%u,\"error_type\":\"%s\"}\n",
		RUN_ID, a->cls, a->message, stamp(ms, t, sizeof t), a->index, a->index,
		a->index % 64 + 1, a->attempt, 5000 + a->index / 1000 * 2 + a->attempt, a->exit_code,
		a->message, retry ? "retry" : "give_up",
		retry ? "retry 2/3 in 10s" : "give up: retrying cannot help", a->error_type,
		a->index, a->attempt, a->error_type);
}

static void attempt_rows(FILE *tasks, FILE *failures, const struct attempt *a)
{
	long long end = a->start_ms + (long long)(a->duration * 1000);

	task_row(tasks, a, "submitted", a->start_ms - 2000);
	task_row(tasks, a, "running", a->start_ms);
	if (a->cls)
		failure_record(failures, a, end);
	task_row(tasks, a, a->cls ? "failed" : "succeeded", end);
}

/* Task i's attempts, at most left of them; how many it wrote. */
static unsigned write_task(FILE *tasks, FILE *failures, unsigned long i, unsigned long left)
{
	char message[160];
	struct attempt a = { .index = i, .attempt = 1, .start_ms = EPOCH_MS + (long long)i * 50,
			     .duration = 30 + (double)(i % 97) * 1.5,
			     .rss = GIB + (i % 13) * (GIB / 8) };

	if (i % 10 == 3 && left >= 2) {
		a.cls = "transient", a.error_type = "ConnectionError", a.exit_code = 75;
		a.message = "ConnectionError: Connection timed out (db.example.org:5432)";
		attempt_rows(tasks, failures, &a);
		a.attempt = 2, a.cls = NULL, a.exit_code = 0, a.start_ms += 20000;
		attempt_rows(tasks, failures, &a);
		return 2;
	}
	if (i % 50 == 7) {
		a.cls = "oom", a.error_type = "MemoryError", a.exit_code = 137, a.rss = 4 * GIB;
		a.message = "OOM: killed for exceeding its memory limit";
	} else if (i % 97 == 5) {
		snprintf(message, sizeof message, "FileNotFoundError: [Errno 2] No such file: "
			 "'/data/in/scenario_%lu.csv'", i);
		a.cls = "input_error", a.error_type = "FileNotFoundError", a.exit_code = 65;
		a.message = message;
	}
	attempt_rows(tasks, failures, &a);
	return 1;
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "w"))) {
		fprintf(stderr, "export_gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void write_small_files(const char *dir)
{
	FILE *run = open_in(dir, "run.json"), *plan = open_in(dir, "plan.json");

	fprintf(run, "{\"event_type\":\"run\",\"schema_version\":1,\"run_id\":\"%s\","
		"\"project_name\":\"energy\",\"target_name\":\"hpc\",\"provider_name\":\"slurm\","
		"\"manifest_lock\":\"%064d\",\"source_manifest_path\":\"/home/u/energy/scalable.yaml\","
		"\"started_at\":\"2026-01-01T00:00:00.000Z\",\"finished_at\":"
		"\"2026-01-02T00:00:00.000Z\",\"status\":\"failed\",\"summary\":null}\n", RUN_ID, 0);
	fprintf(plan, "{\"event_type\":\"plan\",\"schema_version\":1,\"run_id\":\"%s\","
		"\"components\":[{\"name\":\"model\",\"memory_bytes\":%llu,\"walltime_s\":3600}]}\n",
		RUN_ID, 4 * GIB);
	if (fclose(run) || fclose(plan)) {
		fprintf(stderr, "export_gen: cannot write %s: %s\n", dir, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000, done = 0, i;
	FILE *tasks, *failures, *scenarios;

	if (argc < 2 || n == 0) {
		fprintf(stderr, "usage: export_gen DIR [ATTEMPTS]\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	write_small_files(argv[1]);
	tasks = open_in(argv[1], "tasks.jsonl");
	failures = open_in(argv[1], "failures.jsonl");
	scenarios = open_in(argv[1], "scenarios.jsonl");
	for (i = 0; done < n; i++) {
		fprintf(scenarios, "{\"event_type\":\"scenario\",\"schema_version\":1,\"index\":%lu,"
			"\"parameters\":{\"region\":\"%s\",\"year\":\"%lu\",\"rate\":\"%g\","
			"\"green\":\"%s\"}}\n", i, regions[i / 40 % 5], 2025 + i % 10 * 5,
			0.25 * (double)(i % 7), i % 3 ? "true" : "false");
		done += write_task(tasks, failures, i, n - done);
	}
	if (fclose(tasks) || fclose(failures) || fclose(scenarios)) {
		fprintf(stderr, "export_gen: cannot write %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("%lu scenarios, %lu attempts\n", i, done);
	return 0;
}
