/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The names that tag a run's Slurm jobs, so that Slurm can be searched for
 * them: a re-attached orchestrator finds a chunk whose submission it did
 * not see answered, and a sweeper chain finds its sweepers.
 *
 *   key      "<wave>/<group>/<offset>": one chunk of one wave (the
 *            journal's key), or "sweeper": the sweeper of a detached run
 *            (no chunk key can equal it: those hold a '/')
 *   comment  "scalable:<run_id>:<key>": what sbatch --comment carries
 *   name     "<project>.<group>.<wave>.<offset>.<run tag>" for a chunk,
 *            "<project>.sweeper.<run tag>" for a sweeper: unique per job,
 *            and kept by accounting (unlike the comment), so `sacct --name`
 *            finds a job after it has left squeue.
 *
 * Every function that fills buf returns 0, or -1 when buf is too small. */
#ifndef SCALABLE_JOB_NAMING_H
#define SCALABLE_JOB_NAMING_H

#include <stddef.h>

#define JOB_NAMING_KEY_MAX 256
#define JOB_NAMING_SWEEPER_KEY "sweeper"

/* "<wave>/<group>/<offset>" into buf. */
int job_naming_chunk_key(const char *wave, const char *group, size_t offset, char *buf,
			 size_t len);
/* "scalable:<run_id>:<key>" into buf. */
int job_naming_comment(const char *run_id, const char *key, char *buf, size_t len);
/* The key a job comment carries for this run, or NULL (another run's job,
 * or a comment without a key). Points into comment. */
const char *job_naming_key_in_comment(const char *comment, const char *run_id);
/* A chunk's job name; its run tag is the run id's 8-hex suffix, or the
 * whole run id when it has none. */
int job_naming_chunk_name(const char *project, const char *run_id, const char *wave,
			  const char *group, size_t offset, char *buf, size_t len);
/* A sweeper's job name; its run tag is what follows the run id's last '-',
 * or the whole run id when it has none. */
int job_naming_sweeper_name(const char *project, const char *run_id, char *buf, size_t len);

#endif
