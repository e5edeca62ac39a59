/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resident memory of process groups, summed over /proc: the local target's
 * stand-in for a step's memory cgroup, as Slurm's jobacct_gather/linux sums
 * the RSS of a job's processes where it has no cgroup. Pages shared between
 * processes count once per process, and a process that leaves the group
 * (setsid, setpgid) is no longer counted.
 *
 * Tests: orchestrator/local/test/test_local_executor.c. */
#ifndef SCALABLE_PROCESS_TREE_MEMORY_H
#define SCALABLE_PROCESS_TREE_MEMORY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pgroup_rss {
	pid_t pgid;           /* in */
	uint64_t rss_bytes;   /* out: sum over the group's processes */
	unsigned nprocs;      /* out: processes seen in the group */
};

/* Fills every entry from one pass over proc_root (normally "/proc"),
 * reading only the processes of the calling user. Returns 0, or -1 with
 * errno when proc_root cannot be read. */
int process_group_rss_scan(const char *proc_root, struct pgroup_rss *groups, size_t n);

/* The process group and resident bytes from the text of /proc/<pid>/stat;
 * returns 0, or -1 when it does not parse. */
int proc_stat_pgid_rss(const char *text, pid_t *pgid, uint64_t *rss_pages);

#endif
