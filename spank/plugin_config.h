/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plugstack arguments of spank_scalable.so: strict key=value parsing. */
#ifndef SCALABLE_PLUGIN_CONFIG_H
#define SCALABLE_PLUGIN_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum plugin_log_level { PLUGIN_LOG_QUIET, PLUGIN_LOG_VERBOSE, PLUGIN_LOG_DEBUG };

struct plugin_config {
	char spool_dir[PATH_MAX];      /* admin spool, "" when unset */
	bool all_jobs;                 /* record every job into the spool */
	enum plugin_log_level log_level;
	char collector_url[1024];      /* "" when no HTTP forwarding */
	int collector_timeout_ms;      /* hard bound on one POST */
	int write_timeout_ms;          /* hard bound on one file append (NFS may hang) */
	int event_budget_ms;           /* hard bound on all sinks together, per event */
	int sample_ms;                 /* memory sampling interval; 0 when off (the default) */
};

#define PLUGIN_DEFAULT_COLLECTOR_TIMEOUT_MS 2000
#define PLUGIN_DEFAULT_WRITE_TIMEOUT_MS 5000
#define PLUGIN_DEFAULT_EVENT_BUDGET_MS 6000
/* sample=DURATION: at least a second (a read of four cgroup files each time),
 * at most a day. */
#define PLUGIN_SAMPLE_MIN_MS 1000
#define PLUGIN_SAMPLE_MAX_MS 86400000

void plugin_config_defaults(struct plugin_config *cfg);

/* Parses argv[0..argc) into cfg. Returns 0, or -1 with a message naming the
 * offending argument in err. cfg holds defaults again on failure. */
int plugin_config_parse(struct plugin_config *cfg, int argc, char *const argv[],
			char *err, size_t errsz);

#endif
