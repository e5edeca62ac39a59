/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable init: writes a commented example scalable.yaml and its template
 * into the current directory, never over an existing file. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "lib/util/exit_codes.h"

static const char help[] =
	"usage: scalable init [--json]\n"
	"\n"
	"Writes an example scalable.yaml and model.sbatch.tmpl, with comments on\n"
	"every section, into the current directory. Refuses (and writes nothing)\n"
	"if either file exists. Then: scalable validate; scalable plan.\n"
	"\n"
	"  --json      print what was written as JSON: {\"written\": [FILE, ...]}\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit codes: 0 written; 2 a file exists or bad usage; 3 I/O error.\n";

static const char example_config[] =
	"# scalable.yaml: a parameter sweep run as job arrays.\n"
	"# Check it with `scalable validate`; preview the arrays with `scalable plan`.\n"
	"version: 1\n"
	"project: example\n"
	"\n"
	"# Where runs go. The default is default_target, else the first target.\n"
	"targets:\n"
	"  local:\n"
	"    provider: local            # this machine, no Slurm needed\n"
	"    local:\n"
	"      concurrency: 2           # tasks at once (default: the CPU count)\n"
	"  hpc:\n"
	"    provider: slurm\n"
	"    # partition: batch\n"
	"    # account: my-project\n"
	"    # qos: normal\n"
	"    walltime: \"01:00:00\"       # MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS\n"
	"    throttle: 50               # at most 50 array tasks at once (--array=...%50)\n"
	"    max_array_size: auto       # ask `scontrol show config`, or give a number\n"
	"    max_queued: auto           # the site's MaxSubmitJobs/MaxJobCount: a window\n"
	"    # sbatch_options: [--constraint=skylake]\n"
	"default_target: local\n"
	"\n"
	"# What runs for every scenario. Parameters reach the script as {{ name }}\n"
	"# placeholders (shell-quoted) and as SCALABLE_PARAM_<NAME> variables.\n"
	"components:\n"
	"  model:\n"
	"    template: model.sbatch.tmpl  # relative to this file; omit for the default\n"
	"    command: echo simulating {{ region }} {{ year }}; sleep 1\n"
	"    cpus: 1\n"
	"    memory: 1G                 # K, M, G, T (powers of 1024); a plain number is MiB\n"
	"    walltime: \"00:10:00\"\n"
	"    env:\n"
	"      OMP_NUM_THREADS: \"1\"\n"
	"    # setup: [\"module load python\"]\n"
	"\n"
	"# Exactly one of: matrix (the cartesian product, last key varying fastest),\n"
	"# list (of mappings), range ({name, start, stop, step}, stop included) or\n"
	"# csv (a file with a header row of parameter names).\n"
	"scenarios:\n"
	"  matrix:\n"
	"    region: [north, south]\n"
	"    year: [2030, 2040, 2050]\n"
	"\n"
	"# Retries per failure class: transient, oom, preempted, timeout, node_fail,\n"
	"# input_error, dependency_error, runtime_error, output_missing. Two shown with\n"
	"# their defaults.\n"
	"retry:\n"
	"  transient:\n"
	"    max_attempts: 4            # the first attempt included; or unlimited\n"
	"    backoff: {initial: 30s, factor: 2, max: 1h, jitter: 0.1}\n"
	"  oom:\n"
	"    max_attempts: 3\n"
	"    memory_factor: 2           # twice the memory on each retry\n"
	"    # memory_cap: 64G\n"
	"\n"
	"# Extra rules, tried before the built-in classification.\n"
	"# classify:\n"
	"#   - {class: transient, stderr: \"Connection (reset|timed out)\"}\n"
	"#   - {class: input_error, exit_code: 3}\n";

static const char example_template[] =
	"#!/bin/bash\n"
	"# A component template. #SBATCH lines may go in this leading comment\n"
	"# block; scalable inserts its prelude right after it (SCALABLE_* variables,\n"
	"# logs/tasks/<component>/<index / 1000>/<component>-<index>.<attempt>.out/.err,\n"
	"# cd to the config's directory).\n"
	"set -u\n"
	"{{ setup }}\n"
	"echo task {{ task_id }} attempt {{ attempt }} of {{ component }} with {{ cpus }} cpus\n"
	"{{ command }}\n";

/* Creates path with text; fails if it exists. */
static int write_new_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	size_t len = strlen(text);

	if (fd < 0) {
		fprintf(stderr, "scalable: cannot create %s: %s\n", path, strerror(errno));
		return errno == EEXIST ? SCALABLE_EXIT_USAGE : SCALABLE_EXIT_SYSTEM;
	}
	if (write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
		fprintf(stderr, "scalable: cannot write %s: %s\n", path, strerror(errno));
		return SCALABLE_EXIT_SYSTEM;
	}
	return SCALABLE_EXIT_OK;
}

/* What was written, as text or JSON. */
static int say_written(const char *const files[2], bool json)
{
	json_t *out;

	if (!json) {
		printf("wrote %s and %s; next: scalable validate, scalable plan\n", files[0],
		       files[1]);
		return SCALABLE_EXIT_OK;
	}
	out = json_pack("{s:[s,s]}", "written", files[0], files[1]);
	if (!out || json_dumpf(out, stdout, JSON_INDENT(2)) != 0) {
		json_decref(out);
		fprintf(stderr, "scalable: cannot print what was written\n");
		return SCALABLE_EXIT_SYSTEM;
	}
	putchar('\n');
	json_decref(out);
	return SCALABLE_EXIT_OK;
}

int cmd_init(int argc, char **argv)
{
	static const char *const files[] = { DEFAULT_CONFIG_PATH, "model.sbatch.tmpl" };
	bool json = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		}
		if (strcmp(argv[i], "--json") != 0)
			return cli_usage_error("init", "no arguments expected but --json, got "
					       "'%s'", argv[i]);
		json = true;
	}
	for (size_t i = 0; i < 2; i++)
		if (access(files[i], F_OK) == 0)
			return cli_usage_error("init", "%s exists already; nothing written",
					       files[i]);
	if ((rc = write_new_file(files[1], example_template)) != SCALABLE_EXIT_OK ||
	    (rc = write_new_file(files[0], example_config)) != SCALABLE_EXIT_OK)
		return rc;
	return say_written(files, json);
}
