/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What scalable asks Slurm about its configuration: one `scontrol show
 * config`, the first time a command needs it.
 *
 * Tests: orchestrator/slurm/test/test_slurm_parse.c. */
#ifndef SCALABLE_SLURM_CONFIG_H
#define SCALABLE_SLURM_CONFIG_H

/* MaxArraySize; 0 when scontrol is missing, fails, or does not say. */
unsigned slurm_max_array_size(void);
/* MaxJobCount (every job slurmctld holds, of all users); 0 likewise. */
unsigned slurm_max_job_count(void);
/* Reads MaxArraySize from scontrol's output (one "Key = Value" per line);
 * 0 when absent. */
unsigned parse_max_array_size(const char *scontrol_output);
/* The number after "key =" on a line of scontrol's output, 1 to max; 0
 * when absent or not such a number. */
unsigned parse_config_number(const char *scontrol_output, const char *key, unsigned long max);

#endif
