/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a sweeper knows of its own job, what it must not pass on to the
 * jobs it submits, and where its program is (see sweeper_chain.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/exit_codes.h"
#include "lib/util/self_exe.h"
#include "sweeper/sweeper_chain.h"

/* A variable's value copied into buf ("" when unset). */
static void copy_env(const char *name, char *buf, size_t len)
{
	const char *value = getenv(name);

	snprintf(buf, len, "%s", value ? value : "");
}

void sweeper_self_read(struct sweeper_self *self)
{
	const char *id = getenv("SLURM_JOB_ID");
	char *end;
	unsigned long n = id ? strtoul(id, &end, 10) : 0;

	memset(self, 0, sizeof *self);
	if (id && *id && !*end && n <= UINT32_MAX)
		self->job_id = (uint32_t)n;
	copy_env("SLURM_JOB_PARTITION", self->partition, sizeof self->partition);
	copy_env("SLURM_JOB_ACCOUNT", self->account, sizeof self->account);
	copy_env("SLURM_JOB_QOS", self->qos, sizeof self->qos);
}

/* Whether an environment entry ("NAME=value") is to go. */
static bool unwanted(const char *entry)
{
	if (!strncmp(entry, "SCALABLE_", 9))
		return strncmp(entry, "SCALABLE_RUNS_DIR=", 18) != 0;
	if (!strncmp(entry, "SLURM_", 6))
		return strncmp(entry, "SLURM_CONF=", 11) != 0;
	return false;
}

void sweeper_clean_environment(void)
{
	extern char **environ;
	char name[256];

	/* unsetenv changes environ: start over after each removal */
	for (size_t i = 0; environ && environ[i];) {
		size_t len = strcspn(environ[i], "=");

		if (!unwanted(environ[i]) || len >= sizeof name) {
			i++;
			continue;
		}
		memcpy(name, environ[i], len);
		name[len] = '\0';
		unsetenv(name);
		i = 0;
	}
}

int sweeper_program(char *buf, size_t len, struct error *err)
{
	char why[600] = "out of memory";
	char *path = self_exe_path(why, sizeof why);   /* after an upgrade too */
	int rc = 0;

	if (!path || strlen(path) >= len) {
		error_usage(err, "%s", path ? "the scalable program's path is too long" : why);
		err->exit_code = SCALABLE_EXIT_SYSTEM;
		rc = -1;
	} else {
		memcpy(buf, path, strlen(path) + 1);
	}
	free(path);
	return rc;
}
