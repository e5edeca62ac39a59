/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The numbers in diagnose's suggestions: a memory request on a ladder of
 * round sizes, a walltime in whole quarter hours, each above what was
 * measured by a headroom; and sizes and times written for people.
 *
 * Tests: orchestrator/diagnose/test/test_diagnose_parts.c. */
#ifndef SCALABLE_DIAGNOSE_SIZES_H
#define SCALABLE_DIAGNOSE_SIZES_H

#include <stddef.h>
#include <stdint.h>

#define DIAGNOSE_HEADROOM 1.25          /* 25% above what was measured */
#define DIAGNOSE_WALLTIME_STEP (15 * 60)

/* The smallest step of 128M, 256M, 512M, 1G, 2G, 4G, 8G, 12G, 16G, 24G,
 * 32G, 48G, 64G, 96G, 128G, 192G, 256G, 384G, 512G, 768G, 1024G that holds
 * bytes; beyond the ladder, bytes rounded up to a whole G. */
uint64_t diagnose_memory_step(uint64_t bytes);
/* seconds rounded up to a whole DIAGNOSE_WALLTIME_STEP (at least one). */
uint64_t diagnose_walltime_step(double seconds);
/* The value at rank ceil(p * n) of values (1-based; nearest rank); values
 * are reordered. 0 for none. */
double diagnose_percentile(float *values, size_t n, double p);

/* "15.2G", "812M", "64K", "900B": one decimal below 100 of a unit, else none. */
void diagnose_format_bytes(uint64_t bytes, char *buf, size_t len);
/* "45s", "12:05", "1:30:00", "2-01:00:00" (as Slurm reads a --time). */
void diagnose_format_duration(double seconds, char *buf, size_t len);

#endif
