/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Readers for the value formats Slurm's commands print, shared by the squeue,
 * sacct and scontrol parsers. Each returns true when text is well formed and
 * leaves its output untouched otherwise.
 *
 * Tests: orchestrator/slurm/test/test_slurm_parse.c. */
#ifndef SCALABLE_SLURM_FIELDS_H
#define SCALABLE_SLURM_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/error.h"

/* A job id: decimal digits only, nonzero, below 2^32. */
bool slurm_parse_job_id(const char *text, uint32_t *id);
/* A count or raw number of seconds ("87"). */
bool slurm_parse_uint(const char *text, uint64_t *value);
/* "N:S" (ExitCode, DerivedExitCode): exit status and signal. */
bool slurm_parse_exit_code(const char *text, int *exit_code, int *signal);
/* A size as sacct and scontrol print it: "232K", "1.50G", "100M", "0";
 * a trailing "n" or "c" (per node/cpu, older ReqMem) is ignored. A bare
 * number counts in default_unit ('\0' bytes, 'K', 'M', ...). */
bool slurm_parse_size(const char *text, char default_unit, uint64_t *bytes);
/* A time: Unix seconds (what SLURM_TIME_FORMAT=%s prints) or
 * "YYYY-MM-DDTHH:MM:SS" in local time; "Unknown", "None", "N/A" and ""
 * give 0. */
bool slurm_parse_time(const char *text, int64_t *seconds);
/* TimelimitRaw: minutes; "UNLIMITED", "Partition_Limit" and "" give 0. */
bool slurm_parse_limit_minutes(const char *text, uint64_t *seconds);
/* [D-]HH:MM:SS, MM:SS (RunTime, TimeLimit); "UNLIMITED" and
 * "Partition_Limit" give 0. */
bool slurm_parse_clock(const char *text, uint64_t *seconds);

/* Array task ids of an expression such as "7", "8-20%5", "[1,3,5-7:2]"
 * (brackets, a step and a throttle allowed): *ids is malloc'd. False on
 * anything else (a "..." cut by SLURM_BITSTR_LEN included). */
bool slurm_parse_array_tasks(const char *text, uint32_t **ids, size_t *count);

/* *out becomes a copy of text, or NULL for Slurm's words for nothing ("",
 * "None", "(null)", "None assigned", "N/A"); false when out of memory. */
bool slurm_copy_value(const char *text, char **out);

/* Calls parse_line on each line of text that is not empty (in a private
 * copy it may cut up), numbered from 1, until one returns non-zero; skips the
 * "CLUSTER: name" lines a multi-cluster setup inserts. Returns 0 or that
 * value. */
int slurm_parse_lines(const char *text,
		      int (*parse_line)(char *line, unsigned number, void *context, struct error *err),
		      void *context, struct error *err);
/* "cannot read squeue's output, line 3: bad State \"X\"" into err; returns
 * -1 (SLURM_FAILED). */
int slurm_bad_field(struct error *err, const char *program, unsigned line, const char *field,
		    const char *value);

/* Splits line in place at each sep into at most max fields (the last keeps
 * the rest of the line); returns how many. */
size_t slurm_split_fields(char *line, char sep, char **fields, size_t max);

#endif
