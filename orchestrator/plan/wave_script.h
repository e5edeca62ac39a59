/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files of a wave (see the design note in plan.h): per group, the
 * rendered script <name>.sh, and per chunk the tasks file
 * <name>.<offset>.tasks.
 *
 * Tests: orchestrator/plan/test/test_plan.c (rendered and run through bash). */
#ifndef SCALABLE_WAVE_SCRIPT_H
#define SCALABLE_WAVE_SCRIPT_H

#include <stdio.h>

#include "lib/util/error.h"
#include "plan/plan.h"
#include "lib/util/strbuf.h"

/* The group's script: the template's leading #!/comment/#SBATCH block, the
 * prelude, then the rest of the template. */
int wave_script_render(const struct plan *plan, const struct plan_group *group,
		       struct strbuf *out, struct error *err);
/* A chunk's tasks file: "<index> SCALABLE_ATTEMPT=<n> SCALABLE_PARAM_<NAME>=<value>..."
 * per task, values quoted for bash on one line. */
int wave_tasks_write(const struct plan *plan, const struct plan_group *group,
		     const struct plan_chunk *chunk, FILE *out);
/* The variable in which the local executor hands each task its line. */
#define WAVE_TASK_LINE_ENV "SCALABLE_TASK_LINE"
/* Per task of the chunk, in order, WAVE_TASK_LINE_ENV=<run id>/<wave>/
 * <group>/<its tasks file line, without the newline>: the local executor
 * puts each in its task's environment, and the prelude takes the line from
 * there instead of reading the tasks file. NULL-terminated; NULL when out
 * of memory. Free with string_vec_free. */
char **wave_task_env(const struct plan *plan, const struct plan_group *group,
		     const struct plan_chunk *chunk);
/* Creates <run_dir>/scripts/<wave>/, <run_dir>/logs/ and the directory of
 * each chunk's --output (log_paths.h), and writes every group's script and
 * its chunks' tasks files (each through a temporary file and rename, so a
 * crash never leaves half a file). The temporary file is created new
 * (O_EXCL|O_NOFOLLOW), and scripts/ and scripts/<wave>/ must be the
 * caller's and not writable by group or others (exit code 3 otherwise):
 * sbatch runs what is there. */
int plan_write_scripts(const struct plan *plan, struct error *err);

#endif
