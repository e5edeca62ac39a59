/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sbatch's filename patterns: a '%' in the runs directory is literal in
 * the --output pattern the plan writes ("%%", as Slurm reads it), the
 * local executor's expander reads "%%" as Slurm does, and the directory
 * made beforehand is the real one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "testing/orch_helpers.h"
#include "local/slurm_filename_pattern.h"
#include "plan/log_paths.h"
#include "plan/plan.h"
#include "plan/wave_script.h"
#include "test/tmpdir.h"

static const char yaml[] =
	"version: 1\n"
	"project: pct\n"
	"targets: {hpc: {provider: slurm, partition: batch}}\n"
	"components:\n  model:\n    command: echo {{ n }}\n"
	"scenarios: {range: {name: n, start: 0, stop: 2}}\n";

static void percent_and_percent_percent(void **state)
{
	struct slurm_filename_values v = { .job_id = 12, .array_job_id = 10, .array_task_id = 7 };
	char *s = slurm_filename_expand("a%%A/b%%%a/%%%%/%%j", &v);

	(void)state;
	assert_string_equal(s, "a%A/b%7/%%/%j");
	free(s);
}

static bool has_arg(char **argv, const char *arg)
{
	for (size_t i = 0; argv[i]; i++)
		if (!strcmp(argv[i], arg))
			return true;
	return false;
}

static void a_percent_in_the_run_dir_is_literal(void **state)
{
	char *dir = tmpdir_create(), *run_dir, *expanded, *want_arg, real[8400], rel[4096];
	const struct plan_task tasks[] = { { 0, 1 }, { 1, 1 } };
	struct plan_request req = { .tasks = tasks, .n_tasks = 2, .resources = { .cpus = 1 } };
	struct plan_options o = { .run_id = "run-p", .wave = "w001", .max_array_size = 10,
				  .layout = RUN_LAYOUT_FANNED };
	struct slurm_filename_values v = { .job_id = 9, .array_job_id = 8, .array_task_id = 1 };
	struct config *config = load_config_text(dir, yaml);
	struct plan *plan;
	struct error err;
	struct stat st;

	(void)state;
	assert_true(asprintf(&run_dir, "%s/100%%A_%%j%%/run", dir) > 0);  /* ".../100%A_%j%/run" */
	o.run_dir = run_dir;
	o.target = config_target(config, NULL);
	req.component = &config->components[0];
	assert_int_equal(plan_wave(config, &o, &req, 1, &plan, &err), 0);
	if (plan_write_scripts(plan, &err) != 0)
		fail_msg("%s", err.text);
	assert_true(asprintf(&want_arg, "--output=%s/100%%%%A_%%%%j%%%%/run/"
			     "logs/slurm/model/0/slurm-%%A_%%a.out", dir) > 0);
	assert_true(has_arg(plan->groups[0].chunks[0].argv, want_arg));
	expanded = slurm_filename_expand(plan->groups[0].chunks[0].output, &v);
	assert_int_equal(log_slurm_output(RUN_LAYOUT_FANNED, "model", 1, 8, 1, rel, sizeof rel),
			 0);
	snprintf(real, sizeof real, "%s/%s", run_dir, rel);
	assert_string_equal(expanded, real);               /* where the readers look */
	*strrchr(real, '/') = '\0';
	assert_int_equal(stat(real, &st), 0);              /* made before the submission */
	assert_true(S_ISDIR(st.st_mode));
	free(expanded);
	free(want_arg);
	plan_free(plan);
	config_free(config);
	free(run_dir);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percent_and_percent_percent),
		cmocka_unit_test(a_percent_in_the_run_dir_is_literal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
