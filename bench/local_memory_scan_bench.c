/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The local executor's memory sampling cost: one /proc scan summing the RSS
 * of N process groups (default 64, each a `sleep` in its own group), timed
 * over many rounds, and what that costs at the default 4 scans a second;
 * then the executor's own CPU time while N tasks of `sleep 3` run. */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <ctype.h>
#include <sys/resource.h>
#include <unistd.h>

#include "local/local_executor.h"
#include "local/process_tree_memory.h"

extern char **environ;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Starts `sleep 600` in a group of its own. */
static pid_t start_sleeper(void)
{
	char *argv[] = { "sleep", "600", NULL };
	posix_spawnattr_t attr;
	pid_t pid = -1;

	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	if (posix_spawnp(&pid, "sleep", NULL, &attr, argv, environ) != 0)
		pid = -1;
	posix_spawnattr_destroy(&attr);
	return pid;
}

/* Entries in /proc that are processes. */
static int count_processes(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL)
		n += isdigit((unsigned char)e->d_name[0]) != 0;
	if (d)
		closedir(d);
	return n;
}

/* CPU seconds (user + system) this process used so far. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Runs n tasks of `sleep 3` at once and prints the executor's CPU share. */
static void executor_figure(int n)
{
	char dir[] = "/tmp/scalable-bench-XXXXXX";
	char *argv[] = { "sleep", "3", NULL };
	struct local_executor_options o = { .run_dir = dir, .concurrency = (unsigned)n };
	struct local_executor *x;
	size_t *ids = calloc((size_t)n, sizeof *ids);
	double t0, c0;
	char cmd[64];

	if (!mkdtemp(dir) || !ids)
		return;
	for (int i = 0; i < n; i++)
		ids[i] = (size_t)i;
	x = local_executor_new(&o);
	local_executor_submit(x, &(struct local_chunk){ .argv = argv, .array_task_ids = ids,
							.n = (size_t)n, .array_job_id = 1 });
	t0 = now_s();
	c0 = cpu_s();
	while (local_executor_run_once(x, 1000) > 0)
		;
	printf("executor: %d tasks of sleep 3: %.1f ms cpu over %.2f s wall (%.2f%% of one CPU), "
	       "spawn and events included\n", n, (cpu_s() - c0) * 1e3, now_s() - t0,
	       (cpu_s() - c0) / (now_s() - t0) * 100.0);
	local_executor_free(x);
	free(ids);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	(void)!system(cmd);
}

int main(int argc, char **argv)
{
	int groups = argc > 1 ? atoi(argv[1]) : 64, rounds = argc > 2 ? atoi(argv[2]) : 400;
	struct pgroup_rss *g = calloc((size_t)groups, sizeof *g);
	double t0, per_scan, cpu0, cpu1;
	int started = 0;

	for (int i = 0; i < groups; i++)
		if ((g[i].pgid = start_sleeper()) > 0)
			started++;
	cpu0 = (double)clock() / CLOCKS_PER_SEC;
	t0 = now_s();
	for (int r = 0; r < rounds; r++)
		process_group_rss_scan("/proc", g, (size_t)groups);
	per_scan = (now_s() - t0) / rounds;
	cpu1 = (double)clock() / CLOCKS_PER_SEC;
	printf("groups %d (started %d), processes in /proc %d, rounds %d\n", groups, started,
	       count_processes(), rounds);
	printf("scan: %.1f us wall, %.1f us cpu; at %u ms sampling: %.3f%% of one CPU\n",
	       per_scan * 1e6, (cpu1 - cpu0) / rounds * 1e6, LOCAL_EXECUTOR_DEFAULT_SAMPLE_MS,
	       per_scan * 1e3 / LOCAL_EXECUTOR_DEFAULT_SAMPLE_MS * 100.0);
	for (int i = 0; i < groups; i++) {
		if (g[i].pgid > 0) {
			killpg(g[i].pgid, SIGKILL);
			waitpid(g[i].pgid, NULL, 0);
		}
	}
	free(g);
	executor_figure(groups);
	return 0;
}
