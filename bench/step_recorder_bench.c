/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the plugin adds to one step, measured outside Slurm: the recorder's
 * begin, task exit and end (two events), side by side for a job that does not
 * ask to be recorded, one recorded into its run directory (a child dropping
 * to the job user appends each line), and one recorded into the run directory
 * and the admin spool; then what a blackholed collector (a port that takes
 * the connection and never answers) costs a step, with the default
 * collector_timeout_ms, and with a long one held by event_budget_ms; and
 * the memory sampler (sample=1s against off, side by side): what starting
 * and stopping it adds to a step in slurmstepd, what one reading of a
 * memory cgroup costs the sampler, and the sampler's own memory.
 * Usage: step_recorder_bench [STEPS] (default 2000). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_memory.h"
#include "memory_threshold.h"
#include "plugin_config.h"
#include "plugin_log.h"
#include "spank_stubs.h"
#include "step_event.h"
#include "step_recorder.h"
#include "test/tmpdir.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs steps through the recorder; returns microseconds per step. */
static double measure(const struct plugin_config *cfg, int steps)
{
	struct step_recorder r;
	double start = now_s();
	for (int i = 0; i < steps; i++) {
		fake.job_id = 1000 + (uint32_t)i;
		step_recorder_begin(&r, cfg, NULL, "");
		step_recorder_task_started(&r, NULL);   /* the start event */
		fake.task_exit_status = 0;
		step_recorder_task_exited(&r, NULL);
		step_recorder_end(&r);
	}
	return (now_s() - start) / steps * 1e6;
}

/* A URL on loopback whose port listens and never accepts: the kernel
 * completes the connection, the request goes out, no answer ever comes. */
static int blackhole(char *url, size_t len)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t addr_len = sizeof addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &addr_len) != 0)
		return -1;
	snprintf(url, len, "http://127.0.0.1:%u/events", ntohs(addr.sin_port));
	return fd;
}

/* A step's cost with the collector blackholed, collector_timeout_ms as given. */
static double with_blackhole(const struct plugin_config *base, int collector_timeout_ms, int steps)
{
	struct plugin_config cfg = *base;
	int fd = blackhole(cfg.collector_url, sizeof cfg.collector_url);
	if (fd < 0)
		return -1;
	cfg.collector_timeout_ms = collector_timeout_ms;
	double us = measure(&cfg, steps);
	close(fd);
	return us;
}

/* The memory cgroup this process is in, as a location (v1 or v2), to time
 * readings of real cgroup files; -1 when there is none. */
static int own_memory_cgroup(struct cgroup_memory_location *loc)
{
	char text[4096], path[1024];
	FILE *f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return -1;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "%*[^:]:memory:%1023s", path) == 1) {
			loc->version = 1;
			snprintf(loc->dir, sizeof(loc->dir), "/sys/fs/cgroup/memory%s", path);
			return access(loc->dir, R_OK) == 0 ? 0 : -1;
		}
		if (sscanf(line, "0::%1023s", path) == 1) {
			loc->version = 2;
			snprintf(loc->dir, sizeof(loc->dir), "/sys/fs/cgroup%s", path);
			if (access(loc->dir, R_OK) == 0)
				return 0;
		}
	}
	return -1;
}

/* Microseconds per reading (the files a sample reads, and the threshold). */
static double reading_us(const struct cgroup_memory_location *loc, int readings)
{
	struct memory_threshold t;
	struct cgroup_memory_now now;
	memory_threshold_init(&t, 1000);
	double start = now_s();
	for (int i = 0; i < readings; i++) {
		(void)cgroup_memory_read_now(loc, &now);
		(void)memory_threshold_feed(&t, now.current_bytes, now.limit_bytes, i);
	}
	return (now_s() - start) / readings * 1e6;
}

/* A running sampler's own memory: its Rss and what is its alone (Private_*
 * of smaps_rollup), in KiB; what is shared stays slurmstepd's. */
static void sampler_memory(const struct plugin_config *cfg, long *rss_kb, long *private_kb)
{
	struct step_recorder r;
	*rss_kb = *private_kb = -1;
	step_recorder_begin(&r, cfg, NULL, "");
	step_recorder_task_started(&r, NULL);
	usleep(200000);   /* it has settled into its poll */
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)r.sampler.pid);
	FILE *f = r.sampler.pid > 0 ? fopen(path, "r") : NULL;
	long v;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Rss: %ld", &v) == 1)
			*rss_kb = v;
		else if (sscanf(line, "Private_Clean: %ld", &v) == 1 ||
			 sscanf(line, "Private_Dirty: %ld", &v) == 1)
			*private_kb = (*private_kb < 0 ? 0 : *private_kb) + v;
	}
	if (f)
		fclose(f);
	step_recorder_end(&r);
}

int main(int argc, char **argv)
{
	int steps = argc > 1 ? atoi(argv[1]) : 2000;
	char *run_dir = tmpdir_create();
	char *spool = tmpdir_create();
	char env_run_dir[4200];
	snprintf(env_run_dir, sizeof(env_run_dir), "SCALABLE_RUN_DIR=%s", run_dir);

	fake_spank_reset();
	fake.step_id = STEP_ID_BATCH;
	fake.uid = getuid();
	fake.gid = getgid();
	plugin_log_set_level(PLUGIN_LOG_QUIET);

	struct plugin_config plain, with_spool;
	plugin_config_defaults(&plain);
	plugin_config_defaults(&with_spool);
	snprintf(with_spool.spool_dir, sizeof(with_spool.spool_dir), "%s", spool);

	double inactive = measure(&plain, steps);
	fake.env[0] = env_run_dir;
	double recorded = measure(&plain, steps);
	double recorded_spool = measure(&with_spool, steps);

	printf("plugin cost per step (%d steps, µs per step, wall clock)\n", steps);
	printf("  %-44s %10.1f\n", "job not recorded (plugin loaded, inert)", inactive);
	printf("  %-44s %10.1f\n", "recorded into the run dir (2 events)", recorded);
	printf("  %-44s %10.1f\n", "recorded into the run dir and admin spool", recorded_spool);
	printf("  ratio recorded / inert: %.0fx; recorded adds %.2f ms per step\n",
	       recorded / (inactive > 0 ? inactive : 1e-3), (recorded - inactive) / 1000);
	printf("blackholed collector (2 steps each; s per step)\n");
	printf("  %-44s %10.2f\n", "collector_timeout_ms=2000 (the default)",
	       with_blackhole(&plain, 2000, 2) / 1e6);
	printf("  %-44s %10.2f\n", "collector_timeout_ms=60000, event_budget_ms=6000",
	       with_blackhole(&plain, 60000, 2) / 1e6);

	/* the sampler, on a fake cgroup at half its limit: no sample is written,
	 * what is measured is the process (forked at the start, stopped at the end) */
	char *cgroup = tmpdir_create();
	tmpdir_write(cgroup, "memory.current", "500\n");
	tmpdir_write(cgroup, "memory.max", "1000\n");
	step_recorder_sample_cgroup_for_tests = cgroup;
	struct plugin_config sampled = plain;
	sampled.sample_ms = 1000;
	double off = measure(&plain, steps);
	double on = measure(&sampled, steps);
	printf("memory sampler (%d steps, µs per step, wall clock)\n", steps);
	printf("  %-44s %10.1f\n", "recorded, sample=off", off);
	printf("  %-44s %10.1f\n", "recorded, sample=1s (start and stop a sampler)", on);
	printf("  the sampler adds %.2f ms per step in slurmstepd\n", (on - off) / 1000);
	struct cgroup_memory_location own;
	if (own_memory_cgroup(&own) == 0) {
		double us = reading_us(&own, 20000);
		printf("  %-44s %10.1f\n", "one reading of a real cgroup (v1/v2), µs", us);
		printf("  sampler CPU per hour of a step: %.1f ms at sample=1s, %.2f ms at 30s\n",
		       us * 3600 / 1000, us * 120 / 1000);
	} else {
		printf("  (no readable memory cgroup here: readings not timed)\n");
	}
	long rss, private_kb;
	sampler_memory(&sampled, &rss, &private_kb);
	printf("  %-44s %10ld\n", "sampler's Rss, KiB (mostly shared)", rss);
	printf("  %-44s %10ld\n", "sampler's private memory, KiB", private_kb);
	step_recorder_sample_cgroup_for_tests = NULL;
	tmpdir_remove(cgroup);
	tmpdir_remove(run_dir);
	tmpdir_remove(spool);
	return 0;
}
