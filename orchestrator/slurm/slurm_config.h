/* What scalable asks Slurm about its configuration, once per command.
 *
 * Tests: orchestrator/slurm/test/test_slurm_parse.c. */
#ifndef SCALABLE_SLURM_CONFIG_H
#define SCALABLE_SLURM_CONFIG_H

/* MaxArraySize from `scontrol show config`; 0 when scontrol is missing,
 * fails, or does not say. */
unsigned slurm_max_array_size(void);
/* Reads MaxArraySize from scontrol's output (one "Key = Value" per line);
 * 0 when absent. */
unsigned parse_max_array_size(const char *scontrol_output);

#endif
