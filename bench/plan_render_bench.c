/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What `scalable run` does before its first sbatch, for large sweeps: load
 * a config whose matrix expands to N scenarios, plan the first wave (chunks
 * below MaxArraySize), render the script and the chunks' tasks files, and
 * write the run's first files (manifest.yaml, scenarios.jsonl, plan.json,
 * run.json with the manifest lock). Each size runs in a fresh child, so its
 * peak RSS (from wait4) is its own. Goal for 100,000: under 1 s and 200 MiB.
 *
 *   plan_render_bench [N...]     (default: 1000 10000 100000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config_file.h"
#include "plan/plan.h"
#include "rundir/run_dir.h"
#include "run/run_start.h"
#include "plan/wave_script.h"

enum { PHASE_LOAD, PHASE_PLAN, PHASE_RENDER, PHASE_FILES, PHASES };
static const char *const phase_names[PHASES] = { "load+expand", "plan", "render", "run files" };

struct result {
	double seconds[PHASES];
	size_t chunks;
	int ok;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A matrix of 100 regions x 10 scenarios x n/1000 years. */
static int write_config(const char *dir, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/model.sbatch.tmpl", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs("#!/bin/bash\n#SBATCH --ntasks=1\npython3 model.py --region {{ region }} "
	      "--scenario {{ scenario }} --year {{ year }}\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/scalable.yaml", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs("version: 1\nproject: bench\ntargets:\n  hpc: {provider: slurm, partition: low, "
	      "throttle: 500}\ncomponents:\n  model: {template: model.sbatch.tmpl, memory: 2G}\n"
	      "scenarios:\n  matrix:\n    region: [", f);
	for (int i = 0; i < 100; i++)
		fprintf(f, "%sr%02d", i ? ", " : "", i);
	fputs("]\n    scenario: [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9]\n    year: [", f);
	for (size_t i = 0; i < (n + 999) / 1000; i++)
		fprintf(f, "%s%zu", i ? ", " : "", 2000 + i);
	fputs("]\n", f);
	fclose(f);
	return 0;
}

/* The work, timed phase by phase (in the child). */
static void measure(const char *dir, struct result *r)
{
	char path[4096];
	struct config *config = NULL;
	struct plan *plan = NULL;
	struct run_dir *run = NULL;
	struct run_record record = { 0 };
	struct plan_options o = { .wave = "w001", .max_array_size = 1001 };
	struct error err;
	double t = now_s();

	snprintf(path, sizeof path, "%s/scalable.yaml", dir);
	if (config_load(path, &config, &err) != 0)
		goto fail;
	r->seconds[PHASE_LOAD] = now_s() - t;
	snprintf(path, sizeof path, "%s/runs", dir);
	if (run_dir_create(path, config->project, "bench", &run, &err) != 0)
		goto fail;
	o.target = config_target(config, NULL);
	o.run_dir = run->path;
	o.run_id = run->id;
	t = now_s();
	if (plan_initial(config, &o, &plan, &err) != 0)
		goto fail;
	r->seconds[PHASE_PLAN] = now_s() - t;
	t = now_s();
	if (plan_write_scripts(plan, &err) != 0)
		goto fail;
	r->seconds[PHASE_RENDER] = now_s() - t;
	t = now_s();
	if (run_start_files(run, config, o.target, plan, &record, &err) != 0)
		goto fail;
	r->seconds[PHASE_FILES] = now_s() - t;
	r->chunks = plan->groups[0].n_chunks;
	r->ok = 1;
	return;
fail:
	fprintf(stderr, "plan_render_bench: %s\n", err.text);
}

/* Runs one size in a child; *maxrss_kib is the child's peak. */
static int run_size(size_t n, struct result *r, long *maxrss_kib)
{
	char dir[] = "/tmp/plan_render_bench.XXXXXX", cmd[128];
	int fds[2], status;
	struct rusage usage;
	pid_t pid;

	if (!mkdtemp(dir) || write_config(dir, n) != 0 || pipe(fds) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		struct result mine = { 0 };

		measure(dir, &mine);
		(void)!write(fds[1], &mine, sizeof mine);
		_exit(mine.ok ? 0 : 1);
	}
	close(fds[1]);
	memset(r, 0, sizeof *r);
	(void)!read(fds[0], r, sizeof *r);
	close(fds[0]);
	wait4(pid, &status, 0, &usage);
	*maxrss_kib = usage.ru_maxrss;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	(void)!system(cmd);
	return r->ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const size_t defaults[] = { 1000, 10000, 100000 };
	size_t n_sizes = argc > 1 ? (size_t)argc - 1 : 3;

	printf("%10s %7s", "scenarios", "chunks");
	for (int p = 0; p < PHASES; p++)
		printf(" %12s", phase_names[p]);
	printf(" %10s %12s\n", "total s", "max RSS MiB");
	for (size_t i = 0; i < n_sizes; i++) {
		size_t n = argc > 1 ? strtoul(argv[i + 1], NULL, 10) : defaults[i];
		struct result r;
		double total = 0;
		long rss;

		if (run_size(n, &r, &rss) != 0) {
			printf("%10zu failed\n", n);
			continue;
		}
		printf("%10zu %7zu", (n + 999) / 1000 * 1000, r.chunks);
		for (int p = 0; p < PHASES; p++) {
			printf(" %12.3f", r.seconds[p]);
			total += r.seconds[p];
		}
		printf(" %10.3f %12.1f\n", total, (double)rss / 1024.0);
	}
	return 0;
}
