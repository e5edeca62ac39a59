/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Taking a process forked from slurmstepd out of the job's cgroups, so that
 * what it uses is never charged to the job, counted in its limits, or
 * tracked (and waited for) as one of its processes.
 *
 * Tests: spank/test/test_cgroup_memory.c (the targets, from /proc/<pid>/cgroup
 * lines of both versions). */
#ifndef SCALABLE_CGROUP_ESCAPE_H
#define SCALABLE_CGROUP_ESCAPE_H

#include <stddef.h>

/* For one line "ID:CONTROLLERS:PATH" of /proc/<pid>/cgroup whose PATH is in
 * a Slurm job (a "/job_" component, under "/uid_" in v1), writes the
 * cgroup.procs file to move into: v1, the hierarchy's directory above the
 * job (<root>/<controllers>/slurm/cgroup.procs, "name=X" mounted as X); v2,
 * the "system" cgroup beside the jobs, where Slurm keeps slurmstepd itself
 * (<root>/system.slice/slurmstepd.scope/system/cgroup.procs). Returns 0, or
 * -1 when the line is not in a job or the path does not fit. */
int cgroup_escape_target(const char *line, const char *cgroup_root, char *out, size_t outsz);

/* Moves the calling process out of every job cgroup /proc/self/cgroup lists
 * (text: its contents), writing its pid into each target's cgroup.procs
 * (never creating one). Returns how many moves failed (0: all done, or
 * there was nothing to move). */
int cgroup_escape_job(const char *text, const char *cgroup_root);

#endif
