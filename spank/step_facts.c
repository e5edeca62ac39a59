/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "step_facts.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node_list.h"
#include "run_dir_sink.h"

#define MIB 1048576LL

int64_t parse_nonnegative(const char *text)
{
	if (!text || !*text)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || *end || v < 0 || end == text)
		return -1;
	return v;
}

/* Reads a job environment variable; "" when absent or too long for buf. */
static void job_env(spank_t sp, const char *name, char *buf, int bufsz)
{
	if (spank_getenv(sp, name, buf, bufsz) != ESPANK_SUCCESS)
		buf[0] = '\0';
}

static int64_t job_env_number(spank_t sp, const char *name)
{
	char buf[32];
	job_env(sp, name, buf, sizeof(buf));
	return parse_nonnegative(buf);
}

/* The orchestrator exports the walltime it asked for; otherwise derive it
 * from the job's start and end times when Slurm provides them. */
static int64_t time_limit_seconds(spank_t sp)
{
	int64_t limit = job_env_number(sp, "SCALABLE_TIME_LIMIT_S");
	if (limit >= 0)
		return limit;
	int64_t start = job_env_number(sp, "SLURM_JOB_START_TIME");
	int64_t end = job_env_number(sp, "SLURM_JOB_END_TIME");
	return (start > 0 && end > start) ? end - start : -1;
}

static int64_t memory_limit_bytes(spank_t sp)
{
	uint64_t mb = 0;
	if (spank_get_item(sp, S_STEP_ALLOC_MEM, &mb) != ESPANK_SUCCESS || mb == 0)
		if (spank_get_item(sp, S_JOB_ALLOC_MEM, &mb) != ESPANK_SUCCESS)
			mb = 0;
	return (mb == 0 || mb > (uint64_t)(INT64_MAX / MIB)) ? -1 : (int64_t)mb * MIB;
}

/* The scenario index: SCALABLE_TASK_ID where the job exports it, else the
 * array index plus the chunk's SCALABLE_INDEX_OFFSET (a wave script computes
 * SCALABLE_TASK_ID itself, after the plugin has looked). */
static int64_t scenario_index(spank_t sp, const struct step_facts *f)
{
	int64_t task_id = job_env_number(sp, "SCALABLE_TASK_ID");
	if (task_id >= 0 || f->id.array_task_id < 0)
		return task_id;
	int64_t offset = job_env_number(sp, "SCALABLE_INDEX_OFFSET");
	/* the job sets the offset: a sum past INT64_MAX would be signed overflow */
	return offset >= 0 && offset <= INT64_MAX - f->id.array_task_id
		       ? f->id.array_task_id + offset : -1;
}

static void collect_ids(spank_t sp, struct step_facts *f)
{
	uint32_t array_job = 0, array_task = 0;
	if (spank_get_item(sp, S_JOB_ID, &f->id.job_id) != ESPANK_SUCCESS)
		f->id.job_id = 0;
	if (spank_get_item(sp, S_JOB_STEPID, &f->id.step_id) != ESPANK_SUCCESS)
		f->id.step_id = 0;
	if (spank_get_item(sp, S_SLURM_RESTART_COUNT, &f->id.restart_count) != ESPANK_SUCCESS)
		f->id.restart_count = 0;
	if (spank_get_item(sp, S_JOB_ARRAY_ID, &array_job) != ESPANK_SUCCESS)
		array_job = 0;
	if (spank_get_item(sp, S_JOB_ARRAY_TASK_ID, &array_task) != ESPANK_SUCCESS)
		array_task = 0;
	f->id.array_job_id = array_job ? (int64_t)array_job : -1;
	f->id.array_task_id = array_job ? (int64_t)array_task : -1;
	/* the batch script runs on one node, the first of the job's */
	if (f->id.step_id == STEP_ID_BATCH) {
		f->id.node_index = 0;
		f->id.node_count = 1;
	} else if (spank_get_item(sp, S_JOB_NODEID, &f->id.node_index) != ESPANK_SUCCESS ||
		   spank_get_item(sp, S_JOB_NNODES, &f->id.node_count) != ESPANK_SUCCESS ||
		   f->id.node_index >= f->id.node_count) {
		f->id.node_index = f->id.node_count = 0;
	}
}

/* The job user's uid, gid and supplementary groups; returns 0 or -1. */
static int collect_identity(spank_t sp, struct step_facts *f)
{
	if (spank_get_item(sp, S_JOB_UID, &f->who.uid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_GID, &f->who.gid) != ESPANK_SUCCESS)
		return -1;
	gid_t *groups = NULL;
	int ngroups = 0;
	if (spank_get_item(sp, S_JOB_SUPPLEMENTARY_GIDS, &groups, &ngroups) != ESPANK_SUCCESS ||
	    !groups || ngroups < 0)
		ngroups = 0;
	if (ngroups > STEP_FACTS_MAX_GROUPS)
		ngroups = STEP_FACTS_MAX_GROUPS;
	if (ngroups > 0)
		memcpy(f->groups, groups, (size_t)ngroups * sizeof(gid_t));
	/* An empty list still must replace root's groups, so always pass the array. */
	f->who.groups = f->groups;
	f->who.ngroups = ngroups;
	return 0;
}

static void collect_run_dir(spank_t sp, const char *option_run_dir, struct step_facts *f)
{
	char value[PATH_MAX];
	if (option_run_dir && *option_run_dir)
		snprintf(value, sizeof(value), "%s", option_run_dir);
	else if (spank_getenv(sp, "SCALABLE_RUN_DIR", value, sizeof(value)) != ESPANK_SUCCESS)
		value[0] = '\0';
	f->run_dir[0] = '\0';
	f->run_dir_rejected = false;
	if (!value[0])
		return;
	if (run_dir_is_plausible(value))
		snprintf(f->run_dir, sizeof(f->run_dir), "%s", value);
	else
		f->run_dir_rejected = true;
}

/* A plain name: letters, digits, '-', '_' and '.' only. What the job's
 * environment says goes into every event, and into the admin's spool: text
 * that is not a plain name (bytes that are not UTF-8, quotes, newlines)
 * could stop the record from being written at all. */
static bool is_plain_name(const char *text)
{
	if (!*text)
		return false;
	for (const char *p = text; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	return true;
}

/* Names the node at index in the node list of the job's environment
 * variable name; with only_one, when that list names no other node. False
 * when the list does not say. */
static bool node_from_list(spank_t sp, const char *name, uint32_t index, bool only_one,
			   struct step_facts *f)
{
	char list[1024], other[256];

	job_env(sp, name, list, sizeof list);
	if (only_one && node_list_pick(list, 1, other, sizeof other) == 0)
		return false;
	return node_list_pick(list, index, f->node, sizeof f->node) == 0 &&
	       is_plain_name(f->node);
}

/* The Slurm node the step runs on: its place in the step's node list (the
 * batch script runs on the job's first node, the extern step on each of
 * the job's); a job list of one node names it for any step. slurmstepd puts
 * SLURMD_NODENAME only into each task's own environment, so the job's has
 * the batch node's, inherited through srun: taken only for a step on one
 * node. The host name is the last resort, and wrong where one host runs
 * several slurmd. */
static void collect_node(spank_t sp, struct step_facts *f)
{
	uint32_t index = f->id.node_index;
	bool batch = f->id.step_id == STEP_ID_BATCH, on_several = f->id.node_count > 1;
	bool found = false;

	if (batch || f->id.step_id == STEP_ID_EXTERN)
		found = node_from_list(sp, "SLURM_JOB_NODELIST", index, false, f) ||
			node_from_list(sp, "SLURM_NODELIST", index, false, f);
	else if (f->id.node_count)
		found = node_from_list(sp, "SLURM_STEP_NODELIST", index, false, f);
	if (!found && !on_several)
		found = node_from_list(sp, "SLURM_STEP_NODELIST", 0, true, f) ||
			node_from_list(sp, "SLURM_JOB_NODELIST", 0, true, f);
	if (!found && !on_several) {
		job_env(sp, "SLURMD_NODENAME", f->node, sizeof(f->node));
		found = is_plain_name(f->node);
	}
	if (!found && (gethostname(f->node, sizeof(f->node) - 1) != 0 ||
		       !is_plain_name(f->node)))
		strcpy(f->node, "unknown");
	f->node[sizeof(f->node) - 1] = '\0';
}

/* Slurm 22.05 answers S_SLURM_RESTART_COUNT with 0 in a requeued batch step;
 * the job environment's SLURM_RESTART_COUNT (unset on the first run) is right. */
void step_facts_refresh_restart_count(spank_t sp, struct step_facts *f)
{
	int64_t from_env = job_env_number(sp, "SLURM_RESTART_COUNT");
	if (from_env > (int64_t)f->id.restart_count && from_env <= UINT32_MAX)
		f->id.restart_count = (uint32_t)from_env;
}

int step_facts_collect(spank_t sp, const char *option_run_dir, struct step_facts *f)
{
	memset(f, 0, sizeof(*f));
	clock_gettime(CLOCK_MONOTONIC, &f->started);
	collect_ids(sp, f);
	step_facts_refresh_restart_count(sp, f);
	if (collect_identity(sp, f) != 0)
		return -1;
	collect_node(sp, f);
	collect_run_dir(sp, option_run_dir, f);
	job_env(sp, "SCALABLE_RUN_ID", f->run_id, sizeof(f->run_id));
	if (!is_plain_name(f->run_id))
		f->run_id[0] = '\0';   /* the orchestrator names its runs so */
	/* an orchestrator that does not export it reads only the flat layout */
	f->events_layout = job_env_number(sp, STEP_EVENT_LAYOUT_ENV) == STEP_EVENT_LAYOUT_FANNED
				   ? STEP_EVENT_LAYOUT_FANNED : STEP_EVENT_LAYOUT_FLAT;
	f->id.run_id = f->run_id[0] ? f->run_id : NULL;
	f->id.node = f->node;
	f->id.uid = f->who.uid;
	f->id.pid = getpid();
	f->id.task_id = scenario_index(sp, f);
	f->id.attempt = job_env_number(sp, "SCALABLE_ATTEMPT");
	f->id.time_limit_s = time_limit_seconds(sp);
	f->id.mem_limit_bytes = memory_limit_bytes(sp);
	return 0;
}
