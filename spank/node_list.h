/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One node of a Slurm node list ("c[01-04,07],gpu3"): the step's node list
 * at the step's node index names the node a slurmstepd runs on, where the
 * job's environment (SLURMD_NODENAME inherited from the batch step) may name
 * another.
 *
 * Tests: spank/test/test_node_list.c. */
#ifndef SCALABLE_NODE_LIST_H
#define SCALABLE_NODE_LIST_H

#include <stddef.h>
#include <stdint.h>

/* Writes the index'th node (from 0, in list order) of list into out.
 * Understands comma-separated names, each with at most one bracketed group
 * of numbers and ranges (zero padding kept, as "c[01-04]" names c01..c04).
 * Returns 0, or -1 when the list is shorter, of another form (several
 * bracket groups, a name that is not plain), or the name does not fit. */
int node_list_pick(const char *list, uint32_t index, char *out, size_t len);

#endif
