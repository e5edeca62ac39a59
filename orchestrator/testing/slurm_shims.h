/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shims for Slurm's commands, first on PATH, for the orchestrator's unit
 * tests: each call is logged to <dir>/calls.log as "name [arg] [arg] ...",
 * then plays back <dir>/<name>.err, <name>.out and <name>.rc if the test
 * wrote them. */
#ifndef SCALABLE_TEST_SLURM_SHIMS_H
#define SCALABLE_TEST_SLURM_SHIMS_H

/* Installs shims for sbatch, squeue, sacct, scontrol, scancel and sinfo in dir and
 * puts dir first on PATH; returns the PATH before (free it). */
char *slurm_shims_install(const char *dir);
/* Puts PATH back and frees old_path. */
void slurm_shims_remove(char *old_path);
/* Calls of program so far. */
int slurm_shims_calls(const char *dir, const char *program);
/* Calls of program whose arguments contain text. */
int slurm_shims_calls_with(const char *dir, const char *program, const char *text);

#endif
