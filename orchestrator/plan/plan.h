/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plan: which job arrays a submission wave consists of.
 *
 * Design: one script per group, one tasks file per group, arrays by chunk.
 *
 *  - A wave is one round of submissions (the first wave runs every scenario
 *    of every component; later waves resubmit what is worth retrying). Its
 *    files live in <run_dir>/scripts/<wave>/.
 *  - A group is the tasks of one component that share resources (cpus,
 *    memory, walltime) and begin delay. It has exactly one rendered script,
 *    <name>.sh, where <name> is the component's name (".2", ".3" appended
 *    for further groups of the same component in one wave).
 *  - The script is the component's template rendered once: a parameter
 *    placeholder becomes "${SCALABLE_PARAM_<NAME>}", so the same text serves
 *    every index. scalable's prelude, inserted after the template's leading
 *    comment/#SBATCH block, computes SCALABLE_TASK_ID = SLURM_ARRAY_TASK_ID +
 *    SCALABLE_INDEX_OFFSET, finds that index's line in its chunk's tasks
 *    file <name>.<offset>.tasks ("<index> SCALABLE_ATTEMPT=<n>
 *    SCALABLE_PARAM_<NAME>=<quoted> ..."; one file per chunk, so a lookup
 *    reads at most MaxArraySize lines, not the whole sweep),
 *    exports it, redirects stdout/stderr to
 *    logs/<component>-<index>.<attempt>.{out,err} and cds to the config's
 *    directory. Attempts can thus differ per index within one array, and the
 *    script stays small (Slurm caps batch scripts at 4 MB by default) however
 *    many indices a group has.
 *  - A chunk is one array submission: one sbatch call. Array index = scenario
 *    index whenever it is below MaxArraySize; beyond, indices are cut into
 *    aligned blocks of MaxArraySize and each block is submitted with
 *    SCALABLE_INDEX_OFFSET = block * MaxArraySize (set in sbatch's
 *    environment; the array index is index - offset, so every submitted index
 *    stays below MaxArraySize). Resubmitting indices 7,14,21 gives --array=7,14,21.
 *  - Slurm's own stdout/stderr of the batch step (where slurmstepd writes its
 *    "DUE TO TIME LIMIT"/"DUE TO PREEMPTION" banners) go to
 *    logs/slurm-%A_%a.out.
 *  - Packing (a component's pack: K): each array task runs K scenarios.
 *    Chunks are then cut by array tasks: a chunk holds up to
 *    MaxArraySize x K tasks in the group's order, its offset is the position
 *    of its first task in the group (it names the tasks file and the
 *    journal key), its --array is 0-(ceil(count/K)-1), and array index i
 *    runs the tasks file's lines i*K+1 .. i*K+K (plan_array_task_id), so a
 *    retry wave of any scenario ids packs as well. The script's pack block
 *    (wave_script.c) hands the pack's scenarios to `scalable pack-exec`,
 *    which runs the script once per scenario with SCALABLE_PACK_TASK set.
 *  - The local target runs the same script: for each index of a chunk,
 *    `bash <script>` with the chunk's env plus SLURM_ARRAY_TASK_ID (index -
 *    offset), SLURM_ARRAY_JOB_ID and the rest; its chunk argv is that
 *    command line.
 *
 * A backend builds a plan (plan_initial or plan_wave), writes the files
 * (plan_write_scripts in wave_script.h), then runs each chunk's argv with
 * its env added to the environment. */
#ifndef SCALABLE_PLAN_H
#define SCALABLE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "config/config_file.h"
#include "lib/util/error.h"

#define PLAN_DEFAULT_MAX_ARRAY_SIZE 1001u  /* Slurm's default MaxArraySize */

struct resources {
	unsigned cpus;
	uint64_t memory_bytes;   /* 0: not requested */
	uint64_t walltime_s;     /* 0: not requested */
};

struct plan_task {
	size_t index;            /* the scenario index */
	unsigned attempt;        /* 1, 2, ... */
};

struct plan_chunk {
	size_t first, count;     /* the group's tasks[first .. first + count) */
	size_t offset;           /* SCALABLE_INDEX_OFFSET */
	char *array;             /* --array value, with %throttle: "0-1000%50" */
	char **argv;             /* NULL-terminated: sbatch ..., or bash SCRIPT */
	char **env;              /* NULL-terminated NAME=VALUE to add */
	char *tasks_path;        /* <run_dir>/scripts/<wave>/<name>.<offset>.tasks */
	char *output;            /* sbatch's --output pattern (log_paths.h), absolute */
	size_t n_array;          /* array tasks: count, or ceil(count / pack) */
};

struct plan_group {
	const struct component *component;
	char *name;
	struct resources resources;
	uint64_t begin_delay_s;  /* --begin=now+N; 0: at once */
	char *exclude;           /* --exclude "n1,n2" (Slurm); NULL: none */
	/* stages on Slurm: --dependency=aftercorr on these upstream arrays
	 * (index i waits for index i of each; same offsets); NULL: none */
	uint32_t *after_corr;
	size_t n_after_corr;
	struct plan_task *tasks; /* sorted by index */
	size_t n_tasks;
	struct plan_chunk *chunks;
	size_t n_chunks;
	char *script_path;       /* <run_dir>/scripts/<wave>/<name>.sh */
	unsigned pack;           /* scenarios per array task (>= 1) */
	unsigned pack_parallel;  /* of them at once (>= 1) */
};

struct plan {
	const struct config *config;
	const struct target *target;
	char *run_dir, *run_id, *wave;
	int layout;              /* RUN_LAYOUT_* (log_paths.h) of the run */
	char *pack_runner;         /* absolute path of `scalable` for pack-exec */
	unsigned max_array_size;
	struct plan_group *groups;
	size_t n_groups;
};

struct plan_options {
	const struct target *target;
	const char *run_dir;       /* absolute */
	const char *run_id;        /* tags jobs: --comment=scalable:<run_id> */
	const char *wave;          /* e.g. "w001" */
	unsigned max_array_size;   /* the cluster's MaxArraySize (>= 1) */
	int layout;                /* the run's RUN_LAYOUT_*; 0: layout 1 (run.json without one) */
	/* the binary packed scripts run as `<pack_runner> pack-exec`; NULL:
	 * this process's own (/proc/self/exe) */
	const char *pack_runner;
};

/* One group of a later wave: tasks (copied; any order, no index twice). */
struct plan_request {
	const struct component *component;
	struct resources resources;
	const struct plan_task *tasks;
	size_t n_tasks;
	uint64_t begin_delay_s;
	const char *exclude;     /* nodes to keep off, "n1,n2" (copied); NULL: none */
	const uint32_t *after_corr;  /* upstream arrays (copied; run_stages.c); NULL: none */
	size_t n_after_corr;
};

/* The largest chunk for target given the cluster's MaxArraySize: no more
 * than half the target's max_queued (rounded up), so that two chunks fit in
 * the window and one goes in while the other drains (a chunk as big as the
 * window would wait for the last task of the one before). `run` and `plan`
 * both cut chunks to it. */
unsigned plan_chunk_limit(unsigned max_array_size, const struct target *target);

/* The first wave: every component runs every scenario, attempt 1, with its
 * configured resources. */
int plan_initial(const struct config *config, const struct plan_options *options,
		 struct plan **out, struct error *err);
/* A later wave made of the given groups. */
int plan_wave(const struct config *config, const struct plan_options *options,
	      const struct plan_request *requests, size_t n_requests,
	      struct plan **out, struct error *err);
void plan_free(struct plan *plan);

/* Scenarios per array task for component with resources r: its pack, or
 * for pack: auto pack_time / scenario_time, at most what fits in the
 * walltime, at least 1. */
unsigned plan_pack_size(const struct component *component, const struct resources *r);

/* The array task id of the chunk's task at position pos (0 .. count):
 * index - offset, or pos / pack when packed. */
size_t plan_array_task_id(const struct plan_group *group, const struct plan_chunk *chunk,
			  size_t pos);

/* Where a fan-in (after: all) finds the scenarios its upstreams succeeded
 * for: <run_dir>/stages/<component>.succeeded.jsonl (malloc'd; NULL when
 * out of memory). */
char *plan_succeeded_file(const char *run_dir, const char *component);

/* A component's resources on a target (its walltime, else the target's). */
struct resources component_resources(const struct component *component,
				     const struct target *target);

#endif
