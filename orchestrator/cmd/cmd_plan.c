/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable plan [FILE] [--target NAME] [--max-array-size N] [--json]: the job
 * arrays a run would submit, without submitting or writing anything. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "config/config_file.h"
#include "lib/util/exit_codes.h"
#include "plan/log_paths.h"
#include "plan/plan.h"
#include "plan/plan_json.h"
#include "rundir/run_dir.h"
#include "run/run_session.h"
#include "scenarios/scenarios.h"
#include "lib/util/shell_quote.h"
#include "slurm/slurm_config.h"

static const char help[] =
	"usage: scalable plan [FILE] [--target NAME] [--max-array-size N] [--json]\n"
	"\n"
	"Shows what `scalable run` would submit for FILE (default: ./scalable.yaml):\n"
	"per component, the array chunks with their indices, resources and the\n"
	"exact sbatch command line (one sbatch per chunk). Submits and writes\n"
	"nothing. RUN_ID stands for the run directory a real run creates.\n"
	"\n"
	"  --target NAME         plan for this target (default: default_target,\n"
	"                        else the first target)\n"
	"  --max-array-size N    the cluster's MaxArraySize; default: the target's\n"
	"                        max_array_size, else `scontrol show config` for a\n"
	"                        slurm target, else 1001\n"
	"  --json                print the plan as JSON (as plan.json)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Array index = scenario index while it is below MaxArraySize; beyond, each\n"
	"block of MaxArraySize indices is submitted with SCALABLE_INDEX_OFFSET set\n"
	"and the script adds it back.\n"
	"\n"
	"Exit codes: 0 ok; 2 bad usage or invalid config; 3 I/O error.\n";

struct plan_args {
	const char *path, *target;
	unsigned max_array_size;
	bool json;
};

/* MaxArraySize for the plan, and where it came from. */
static unsigned resolve_max_array_size(const struct plan_args *args,
				       const struct target *target, const char **source)
{
	unsigned asked;

	*source = "--max-array-size";
	if (args->max_array_size)
		return args->max_array_size;
	*source = "the target's max_array_size";
	if (target->max_array_size)
		return target->max_array_size;
	*source = "scontrol show config";
	if (target->provider == PROVIDER_SLURM && (asked = slurm_max_array_size()) > 0)
		return asked;
	*source = "default";
	return PLAN_DEFAULT_MAX_ARRAY_SIZE;
}

/* Prints a command line that a shell would read back as the same argv. */
static void print_command(char *const *env, char *const *argv)
{
	struct strbuf line = { 0 };

	for (char *const *e = env; e && *e; e++) {
		const char *eq = strchr(*e, '=');

		strbuf_printf(&line, "%.*s=", (int)(eq - *e), *e);
		shell_quote(&line, eq + 1);
		strbuf_puts(&line, " ");
	}
	for (char *const *a = argv; *a; a++) {
		shell_quote(&line, *a);
		strbuf_puts(&line, a[1] ? " " : "");
	}
	printf("      %s\n", line.text ? line.text : "");
	strbuf_free(&line);
}

/* With a scenario_time, whether a pack fits in its walltime. */
static void fits_walltime(const struct plan_group *g)
{
	uint64_t one = g->component->scenario_time_s, wall = g->resources.walltime_s;
	uint64_t rounds = (g->pack + g->pack_parallel - 1) / g->pack_parallel;

	if (one && wall && rounds * one > wall)
		printf("  warning: %llu scenarios of %llus one after another take %llus, more "
		       "than the walltime of %llus: lower pack or raise walltime\n",
		       (unsigned long long)rounds, (unsigned long long)one,
		       (unsigned long long)(rounds * one), (unsigned long long)wall);
}

/* "packed 50 per array task, 2 at once: 2000 array tasks" */
static void print_pack(const struct plan_group *g)
{
	size_t array_tasks = 0;

	for (size_t c = 0; c < g->n_chunks; c++)
		array_tasks += g->chunks[c].n_array;
	printf("  packed %u per array task, %u at once: %zu array task%s\n", g->pack,
	       g->pack_parallel, array_tasks, array_tasks == 1 ? "" : "s");
	fits_walltime(g);
}

static void print_group(const struct plan_group *g)
{
	printf("component %s: %zu task%s, %u cpu%s, %zu chunk%s\n", g->name, g->n_tasks,
	       g->n_tasks == 1 ? "" : "s", g->resources.cpus,
	       g->resources.cpus == 1 ? "" : "s", g->n_chunks, g->n_chunks == 1 ? "" : "s");
	if (g->pack > 1)
		print_pack(g);
	for (size_t c = 0; c < g->n_chunks; c++) {
		const struct plan_chunk *chunk = &g->chunks[c];

		printf("  chunk %zu: indices %zu-%zu (%zu), --array=%s, offset %zu\n", c + 1,
		       g->tasks[chunk->first].index,
		       g->tasks[chunk->first + chunk->count - 1].index, chunk->count,
		       chunk->array, chunk->offset);
		print_command(chunk->env, chunk->argv);
	}
}

/* The stages of a config with after: (docs/scalable.yaml.5 "after"). */
static void print_stages(const struct config *config, bool slurm)
{
	unsigned n = config_stage_count(config);
	size_t scenarios = scenarios_count(config->scenarios);

	if (n < 2)
		return;
	printf("stages: %u (a later stage's scenario i runs once scenario i of its "
	       "upstreams succeeded)\n", n);
	for (unsigned st = 0; st < n; st++) {
		for (size_t i = 0; i < config->n_components; i++) {
			const struct component *c = &config->components[i];

			if (c->stage != st)
				continue;
			printf("  stage %u: %s", st, c->name);
			if (c->fan_in)
				printf(" (after: all, when %s; 1 task once every scenario of its "
				       "%zu upstreams is final)", fan_in_when_name(c->when), c->n_after);
			else if (c->n_after) {
				printf(" (after");
				for (size_t k = 0; k < c->n_after; k++)
					printf("%s %s", k ? "," : "", config->components[c->after[k]].name);
				printf(slurm ? "; %zu tasks, queued with "
				       "--dependency=aftercorr on its upstreams' arrays)"
				       : "; %zu tasks, each submitted once its upstreams succeeded)",
				       scenarios);
			}
			printf("\n");
		}
	}
}

static void print_plan(const struct plan *plan, const char *source)
{
	size_t submissions = 0;

	printf("project %s, target %s (%s), MaxArraySize %u (%s)\n",
	       plan->config->project, plan->target->name,
	       provider_name(plan->target->provider), plan->max_array_size, source);
	printf("scenarios: %zu (%s)\n", scenarios_count(plan->config->scenarios),
	       scenarios_kind_name(scenarios_kind(plan->config->scenarios)));
	if (plan->target->provider == PROVIDER_LOCAL)
		printf("local target: each index of a chunk runs as `bash SCRIPT` with "
		       "SLURM_ARRAY_TASK_ID = index - offset (packed: array task i runs "
		       "the chunk's scenarios i*K .. i*K+K-1)\n");
	print_stages(plan->config, plan->target->provider == PROVIDER_SLURM);
	for (size_t g = 0; g < plan->n_groups; g++) {
		print_group(&plan->groups[g]);
		submissions += plan->groups[g].n_chunks;
	}
	printf("%zu %s\n", submissions,
	       plan->target->provider == PROVIDER_SLURM ? "sbatch call(s)" : "local chunk(s)");
	if (plan->layout == RUN_LAYOUT_FANNED && plan->max_array_size > LOG_SLURM_CHUNK_MAX)
		printf("chunks of at most %u tasks: Slurm's output of a chunk shares one "
		       "directory\n", LOG_SLURM_CHUNK_MAX);
	if (plan->target->max_queued)
		printf("window: at most %u tasks queued at once (max_queued%s); %zu chunk%s, "
		       "each going in as earlier ones drain\n", plan->target->max_queued,
		       plan->target->max_queued_auto ? ": auto, the site's limit" : "",
		       submissions, submissions == 1 ? "" : "s");
	else if (plan->target->max_queued_auto)
		printf("window: none (max_queued: auto, and the site sets no limit on queued "
		       "jobs)\n");
}

static int print_plan_json(const struct plan *plan)
{
	json_t *json = plan_to_json(plan);
	int rc = json ? json_dumpf(json, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;

	json_decref(json);
	if (rc != 0) {
		fprintf(stderr, "scalable: cannot print the plan\n");
		return SCALABLE_EXIT_SYSTEM;
	}
	putchar('\n');
	return SCALABLE_EXIT_OK;
}

/* Plans the config's first wave for the chosen target and prints it. */
static int show_plan(const struct plan_args *args, const struct config *config)
{
	const struct target *target = config_target(config, args->target);
	struct plan_options options = { .run_id = "RUN_ID", .wave = "w001",
					.layout = RUN_LAYOUT_CURRENT };  /* a new run's */
	struct plan *plan = NULL;
	struct error err;
	char *dir = cli_runs_root(NULL, &err), *run_dir = NULL;  /* where runs would go */
	const char *source;
	int rc;

	if (!target) {
		free(dir);
		return cli_usage_error("plan", "no target named '%s' in %s", args->target,
				       args->path);
	}
	options.target = target;
	options.max_array_size = resolve_max_array_size(args, target, &source);
	if (plan_chunk_limit(options.max_array_size, target) < options.max_array_size) {
		options.max_array_size = plan_chunk_limit(options.max_array_size, target);
		source = "cut to the target's max_queued";
	}
	if (!dir)
		return cli_fail(&err);
	if (asprintf(&run_dir, "%s/RUN_ID", dir) < 0) {
		free(dir);
		perror("scalable");
		return SCALABLE_EXIT_SYSTEM;
	}
	options.run_dir = run_dir;
	rc = plan_initial(config, &options, &plan, &err);
	if (rc != 0)
		rc = cli_fail(&err);
	else if (args->json)
		rc = print_plan_json(plan);
	else
		print_plan(plan, source);
	plan_free(plan);
	free(run_dir);
	free(dir);
	return rc;
}

/* Reads the options; returns -1 to go on, else the exit code to stop with. */
static int parse_args(int argc, char **argv, struct plan_args *args)
{
	static const struct option options[] = {
		{ "target", required_argument, NULL, 't' },
		{ "max-array-size", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		char *end;
		unsigned long n;

		switch (opt) {
		case 'h':
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		case 't':
			args->target = optarg;
			break;
		case 'j':
			args->json = true;
			break;
		case 'm':
			n = strtoul(optarg, &end, 10);
			if (end == optarg || *end || optarg[0] == '-' || n == 0 || n > 4000001)
				return cli_usage_error("plan", "--max-array-size needs a "
						       "positive integer, got '%s'", optarg);
			args->max_array_size = (unsigned)n;
			break;
		default:
			return cli_usage_error("plan", "bad option");
		}
	}
	if (!(args->path = cli_config_path("plan", argc, argv, optind)))
		return SCALABLE_EXIT_USAGE;
	return -1;
}

int cmd_plan(int argc, char **argv)
{
	struct plan_args args = { 0 };
	struct config *config;
	struct error err;
	int rc = parse_args(argc, argv, &args);

	if (rc >= 0)
		return rc;
	if (config_load_defaulted(args.path, &config, &err) != 0)
		return cli_fail(&err);
	run_resolve_max_queued(config, args.target);
	rc = show_plan(&args, config);
	config_free(config);
	return rc;
}
