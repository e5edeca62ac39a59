/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Environment variables that hold an API key (docs/ai-and-notify.md):
 * SCALABLE_AI_KEY, OPENAI_API_KEY, and any name a loaded config's
 * ai.api_key_env gives. Only `diagnose --ai` reads them, in this process:
 * no child (sbatch, whose --export=ALL would hand them to every job, the
 * Slurm queries, a local task) gets them.
 *
 * Tests: orchestrator/lib/subprocess/test/test_command_runner.c,
 * orchestrator/local/test/test_local_task_env.c, tests/cli/ai_notify.sh. */
#ifndef SCALABLE_SECRET_ENV_H
#define SCALABLE_SECRET_ENV_H

#include <stdbool.h>

/* Adds name to the secret names for the rest of the process (a copy; a
 * NULL or empty name is ignored). Returns -1 when out of memory. */
int secret_env_add(const char *name);
/* Whether entry (NAME=VALUE, or NAME) names a secret. */
bool secret_env_is(const char *entry);

#endif
