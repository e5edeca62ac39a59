/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plans: groups of tasks per component and resources (see plan.h). */
#include "plan/plan.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/exit_codes.h"
#include "lib/util/self_exe.h"
#include "plan/log_paths.h"
#include "plan/plan_chunks.h"
#include "scenarios/scenarios.h"

struct resources component_resources(const struct component *component,
				     const struct target *target)
{
	return (struct resources){
		.cpus = component->cpus,
		.memory_bytes = component->memory_bytes,
		.walltime_s = component->walltime_s ? component->walltime_s
						    : target->walltime_s,
	};
}

unsigned plan_pack_size(const struct component *c, const struct resources *r)
{
	uint64_t k = c->pack;

	if (k == 0) {
		k = c->scenario_time_s ? c->pack_time_s / c->scenario_time_s : 1;
		if (r->walltime_s && c->scenario_time_s &&
		    k > r->walltime_s / c->scenario_time_s)
			k = r->walltime_s / c->scenario_time_s;
	}
	return k < 1 ? 1 : k > UINT_MAX ? UINT_MAX : (unsigned)k;
}

static void free_group(struct plan_group *group)
{
	for (size_t c = 0; c < group->n_chunks; c++) {
		struct plan_chunk *chunk = &group->chunks[c];

		free(chunk->array);
		for (char **a = chunk->argv; a && *a; a++)
			free(*a);
		free(chunk->argv);
		for (char **e = chunk->env; e && *e; e++)
			free(*e);
		free(chunk->env);
		free(chunk->tasks_path);
		free(chunk->output);
	}
	free(group->chunks);
	free(group->tasks);
	free(group->name);
	free(group->exclude);
	free(group->after_corr);
	free(group->script_path);
}

void plan_free(struct plan *plan)
{
	if (!plan)
		return;
	for (size_t g = 0; g < plan->n_groups; g++)
		free_group(&plan->groups[g]);
	free(plan->groups);
	free(plan->run_dir);
	free(plan->run_id);
	free(plan->wave);
	free(plan->pack_runner);
	free(plan);
}

/* A plan of n_groups empty groups; NULL with err filled on failure. */
static struct plan *plan_new(const struct config *config, const struct plan_options *o,
			     size_t n_groups, struct error *err)
{
	struct plan *plan = calloc(1, sizeof *plan);
	char why[600] = "";

	if (!plan) {
		error_system(err, "planning");
		return NULL;
	}
	plan->config = config;
	plan->target = o->target;
	plan->max_array_size = o->max_array_size;
	plan->layout = run_layout_of(o->layout);
	plan->groups = calloc(n_groups ? n_groups : 1, sizeof *plan->groups);
	plan->pack_runner = o->pack_runner ? strdup(o->pack_runner)
					   : self_exe_path(why, sizeof why);  /* after an upgrade too */
	if (!plan->groups || !(plan->run_dir = strdup(o->run_dir)) ||
	    !(plan->run_id = strdup(o->run_id)) || !(plan->wave = strdup(o->wave)) ||
	    !plan->pack_runner) {
		if (*why) {
			error_usage(err, "planning: %s", why);
			err->exit_code = SCALABLE_EXIT_SYSTEM;
		} else {
			error_system(err, "planning");
		}
		plan_free(plan);
		return NULL;
	}
	return plan;
}

/* The file stem of a group: the component's name, ".2" on for its second
 * group in the wave, and so on. */
static char *group_name(const struct plan *plan, const struct component *component)
{
	size_t same = 1;
	char *name;

	for (size_t g = 0; g < plan->n_groups; g++)
		same += plan->groups[g].component == component;
	if (same == 1)
		return strdup(component->name);
	return asprintf(&name, "%s.%zu", component->name, same) < 0 ? NULL : name;
}

static int by_index(const void *a, const void *b)
{
	const struct plan_task *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Fills in a group's names and paths, sorts its tasks, and chunks it. */
static int finish_group(struct plan *plan, struct plan_group *group, struct error *err)
{
	char *name = group_name(plan, group->component);

	plan->n_groups++;
	group->name = name;
	group->pack = plan_pack_size(group->component, &group->resources);
	group->pack_parallel = group->pack > 1 ? group->component->pack_parallel : 1;
	if (group->pack_parallel > group->pack || group->pack_parallel == 0)
		group->pack_parallel = group->pack_parallel ? group->pack : 1;
	if (!name || asprintf(&group->script_path, "%s/scripts/%s/%s.sh", plan->run_dir,
			      plan->wave, name) < 0) {
		group->script_path = NULL;
		error_system(err, "planning");
		return -1;
	}
	qsort(group->tasks, group->n_tasks, sizeof *group->tasks, by_index);
	if (group->n_tasks &&
	    group->tasks[group->n_tasks - 1].index >= scenarios_count(plan->config->scenarios)) {
		error_usage(err, "index %zu is beyond the last scenario (%zu)",
			    group->tasks[group->n_tasks - 1].index,
			    scenarios_count(plan->config->scenarios) - 1);
		return -1;
	}
	for (size_t t = 1; t < group->n_tasks; t++) {
		if (group->tasks[t].index == group->tasks[t - 1].index) {
			error_usage(err, "index %zu given twice for component %s",
				    group->tasks[t].index, group->component->name);
			return -1;
		}
	}
	return plan_group_chunk(plan, group, err);
}

/* Checks what every plan needs from its options. */
static int check_options(const struct plan_options *o, struct error *err)
{
	if (!o->target || o->max_array_size == 0) {
		error_usage(err, "a plan needs a target and a max array size of at least 1");
		return -1;
	}
	return 0;
}

int plan_initial(const struct config *config, const struct plan_options *options,
		 struct plan **out, struct error *err)
{
	size_t n = scenarios_count(config->scenarios);
	struct plan *plan;

	if (check_options(options, err) != 0)
		return -1;
	if (!(plan = plan_new(config, options, config->n_components, err)))
		return -1;
	for (size_t c = 0; c < config->n_components; c++) {
		struct plan_group *group = &plan->groups[plan->n_groups];

		if (config->components[c].stage > 0)
			continue;  /* a later stage goes in as its upstreams succeed */
		group->component = &config->components[c];
		group->resources = component_resources(group->component, options->target);
		group->n_tasks = n;
		if (!(group->tasks = malloc(n * sizeof *group->tasks))) {
			plan->n_groups++;
			error_system(err, "planning %zu tasks", n);
			plan_free(plan);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			group->tasks[i] = (struct plan_task){ i, 1 };
		if (finish_group(plan, group, err) != 0) {
			plan_free(plan);
			return -1;
		}
	}
	*out = plan;
	return 0;
}

int plan_wave(const struct config *config, const struct plan_options *options,
	      const struct plan_request *requests, size_t n_requests,
	      struct plan **out, struct error *err)
{
	struct plan *plan;

	if (check_options(options, err) != 0)
		return -1;
	if (!(plan = plan_new(config, options, n_requests, err)))
		return -1;
	for (size_t r = 0; r < n_requests; r++) {
		struct plan_group *group = &plan->groups[r];
		const struct plan_request *req = &requests[r];

		group->component = req->component;
		group->resources = req->resources;
		group->begin_delay_s = req->begin_delay_s;
		group->n_tasks = req->n_tasks;
		group->tasks = malloc((req->n_tasks ? req->n_tasks : 1) * sizeof *group->tasks);
		if (group->tasks)
			memcpy(group->tasks, req->tasks, req->n_tasks * sizeof *req->tasks);
		/* "" is no list: --exclude= would be an sbatch error */
		if (group->tasks && req->exclude && req->exclude[0] &&
		    !(group->exclude = strdup(req->exclude))) {
			free(group->tasks);
			group->tasks = NULL;
		}
		if (group->tasks && req->n_after_corr &&
		    (group->after_corr = malloc(req->n_after_corr * sizeof *req->after_corr))) {
			memcpy(group->after_corr, req->after_corr,
			       req->n_after_corr * sizeof *req->after_corr);
			group->n_after_corr = req->n_after_corr;
		} else if (req->n_after_corr) {
			free(group->tasks);
			group->tasks = NULL;
		}
		if (!group->tasks) {
			plan->n_groups++;
			error_system(err, "planning");
		}
		if (!group->tasks || finish_group(plan, group, err) != 0) {
			plan_free(plan);
			return -1;
		}
	}
	*out = plan;
	return 0;
}

unsigned plan_chunk_limit(unsigned max_array_size, const struct target *target)
{
	unsigned window = target ? target->max_queued : 0;
	unsigned cap = window > 1 ? (window + 1) / 2 : window;

	return cap && cap < max_array_size ? cap : max_array_size;
}

char *plan_succeeded_file(const char *run_dir, const char *component)
{
	char *path = NULL;

	return asprintf(&path, "%s/stages/%s.succeeded.jsonl", run_dir, component) < 0 ? NULL
											: path;
}
