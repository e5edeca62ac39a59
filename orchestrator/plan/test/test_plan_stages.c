/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for stages in the plan: the first wave holds stage 0 only,
 * plan.json's stages with each component's upstreams, a later stage's
 * chunk with --dependency=aftercorr on its upstream arrays, and a fan-in's
 * script exporting SCALABLE_SUCCEEDED_FILE ({{ succeeded_file }}). */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan/plan.h"
#include "plan/plan_json.h"
#include "plan/wave_script.h"
#include "testing/orch_helpers.h"
#include "test/tmpdir.h"

static const char yaml[] =
	"version: 1\n"
	"project: stages\n"
	"targets:\n"
	"  hpc: {provider: slurm, partition: low}\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 9}\n"
	"components:\n"
	"  prepare: {command: 'echo {{ n }}'}\n"
	"  model: {command: 'echo {{ n }}', after: [prepare]}\n"
	"  post: {command: 'echo {{ n }}', after: [model, prepare]}\n"
	"  aggregate: {command: 'wc -l {{ succeeded_file }}', after: all, when: always}\n";

static struct plan_options options_for(const struct config *c, const char *dir, char *run_dir)
{
	snprintf(run_dir, 512, "%s/runs/run-x", dir);
	return (struct plan_options){ .target = config_target(c, NULL), .run_dir = run_dir,
				      .run_id = "run-x", .wave = "w001", .max_array_size = 1001,
				      .pack_runner = "/usr/bin/scalable" };
}

static void test_first_wave_and_stages_json(void **state)
{
	char *dir = tmpdir_create(), run_dir[512];
	struct config *c = load_config_text(dir, yaml);
	struct plan_options o = options_for(c, dir, run_dir);
	struct plan *plan;
	struct error err;
	json_t *pj, *stages, *post;

	(void)state;
	if (plan_initial(c, &o, &plan, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(plan->n_groups, 1);
	assert_string_equal(plan->groups[0].component->name, "prepare");
	assert_int_equal(plan->groups[0].n_tasks, 10);
	pj = plan_to_json(plan);
	stages = json_object_get(pj, "stages");
	assert_int_equal(json_array_size(stages), 4);
	post = json_array_get(json_object_get(json_array_get(stages, 2), "components"), 0);
	assert_string_equal(json_string_value(json_object_get(post, "component")), "post");
	assert_int_equal(json_array_size(json_object_get(post, "after")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(post, "after"), 0)),
			    "model");
	post = json_array_get(json_object_get(json_array_get(stages, 3), "components"), 0);
	assert_true(json_is_true(json_object_get(post, "fan_in")));
	assert_string_equal(json_string_value(json_object_get(post, "when")), "always");
	assert_int_equal(json_array_size(json_object_get(post, "after")), 3);
	json_decref(pj);
	plan_free(plan);
	config_free(c);
	tmpdir_remove(dir);
}

/* argv has an element equal to want. */
static bool has_arg(char **argv, const char *want)
{
	for (; argv && *argv; argv++)
		if (!strcmp(*argv, want))
			return true;
	return false;
}

static void test_later_stage_chunk_waits_on_upstream_arrays(void **state)
{
	char *dir = tmpdir_create(), run_dir[512], *script, *path;
	struct config *c = load_config_text(dir, yaml);
	struct plan_options o = options_for(c, dir, run_dir);
	static const struct plan_task tasks[] = { { 2, 1 }, { 5, 1 } };
	static const struct plan_task fan_in[] = { { 0, 1 } };
	static const uint32_t upstream[] = { 8000001, 8000000 };
	struct plan_request r[] = {
		{ .component = &c->components[2], .resources = { 1, 0, 0 }, .tasks = tasks,
		  .n_tasks = 2, .after_corr = upstream, .n_after_corr = 2 },
		{ .component = &c->components[3], .resources = { 1, 0, 0 }, .tasks = fan_in,
		  .n_tasks = 1 },
	};
	struct plan *plan;
	struct error err;

	(void)state;
	o.wave = "w003";
	if (plan_wave(c, &o, r, 2, &plan, &err) != 0 || plan_write_scripts(plan, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(plan->groups[0].n_chunks, 1);
	assert_string_equal(plan->groups[0].chunks[0].array, "2,5");
	assert_true(has_arg(plan->groups[0].chunks[0].argv,
			    "--dependency=aftercorr:8000001:8000000"));
	assert_true(has_arg(plan->groups[0].chunks[0].argv, "--kill-on-invalid-dep=no"));
	/* the fan-in: one task, no dependency (it goes in once its upstreams are final) */
	assert_string_equal(plan->groups[1].chunks[0].array, "0");
	for (char **a = plan->groups[1].chunks[0].argv; *a; a++)
		assert_null(strstr(*a, "--dependency"));
	path = plan_succeeded_file(run_dir, "aggregate");
	assert_true(strstr(path, "/runs/run-x/stages/aggregate.succeeded.jsonl") != NULL);
	script = tmpdir_read(dir, "runs/run-x/scripts/w003/aggregate.sh");
	assert_non_null(strstr(script, "export SCALABLE_SUCCEEDED_FILE="));
	assert_non_null(strstr(script, path));
	assert_non_null(strstr(script, "wc -l \"${SCALABLE_SUCCEEDED_FILE}\""));
	free(script);
	script = tmpdir_read(dir, "runs/run-x/scripts/w003/post.sh");
	assert_null(strstr(script, "SCALABLE_SUCCEEDED_FILE="));
	free(script);
	free(path);
	plan_free(plan);
	config_free(c);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_wave_and_stages_json),
		cmocka_unit_test(test_later_stage_chunk_waits_on_upstream_arrays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
