/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shims for Slurm's commands (see slurm_shims.h). */
#include "testing/slurm_shims.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test/tmpdir.h"

static const char shim[] =
	"#!/bin/sh\n"
	"name=${0##*/}; d=${0%/*}\n"
	"{ printf '%s' \"$name\"; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; echo; } "
	">> \"$d/calls.log\"\n"
	"[ -f \"$d/$name.err\" ] && cat \"$d/$name.err\" >&2\n"
	"[ -f \"$d/$name.out\" ] && cat \"$d/$name.out\"\n"
	"exit \"$(cat \"$d/$name.rc\" 2>/dev/null || echo 0)\"\n";

static const char *const programs[] = { "sbatch", "squeue", "sacct", "scontrol", "scancel",
					 "sinfo" };

char *slurm_shims_install(const char *dir)
{
	char path[4096], *old = strdup(getenv("PATH"));

	for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
		char file[512];

		tmpdir_write(dir, programs[i], shim);
		snprintf(file, sizeof file, "%s/%s", dir, programs[i]);
		chmod(file, 0755);
	}
	snprintf(path, sizeof path, "%s:%s", dir, old);
	setenv("PATH", path, 1);
	return old;
}

void slurm_shims_remove(char *old_path)
{
	setenv("PATH", old_path, 1);
	free(old_path);
}

int slurm_shims_calls_with(const char *dir, const char *program, const char *text)
{
	char path[4096], line[8192];
	size_t len = strlen(program);
	FILE *log;
	int n = 0;

	snprintf(path, sizeof path, "%s/calls.log", dir);
	if (!(log = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof line, log))
		n += strncmp(line, program, len) == 0 && line[len] == ' ' &&
		     (!text || strstr(line + len, text));
	fclose(log);
	return n;
}

int slurm_shims_calls(const char *dir, const char *program)
{
	return slurm_shims_calls_with(dir, program, NULL);
}
