/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the plugin adds to one step, measured outside Slurm: the recorder's
 * begin, task exit and end (two events), side by side for a job that does not
 * ask to be recorded, one recorded into its run directory (a child dropping
 * to the job user appends each line), and one recorded into the run directory
 * and the admin spool; then what a blackholed collector (a port that takes
 * the connection and never answers) costs a step, with the default
 * collector_timeout_ms, and with a long one held by event_budget_ms.
 * Usage: step_recorder_bench [STEPS] (default 2000). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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
	tmpdir_remove(run_dir);
	tmpdir_remove(spool);
	return 0;
}
