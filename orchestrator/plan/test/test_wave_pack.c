/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Packed plans and their scripts: chunks cut by array tasks (K scenarios
 * each), pack: auto within the walltime, and the pack block run for real
 * through bash, with `scalable pack-exec` and with the bash fallback: each
 * scenario gets the single-scenario prelude (its log files, attempt and
 * parameters) and its own records; a requeued pack runs nothing that
 * ended. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "lib/util/jsonl_file.h"
#include "lib/util/strbuf.h"
#include "plan/plan.h"
#include "plan/wave_pack.h"
#include "plan/wave_script.h"
#include "scenario_record.h"
#include "test/tmpdir.h"
#include "testing/orch_helpers.h"

static const char yaml[] =
	"version: 1\n"
	"project: packs\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"  hpc: {provider: slurm, walltime: \"00:05:00\"}\n"
	"components:\n"
	"  model: {command: \"sh ./task.sh {{ n }}\", pack: 3}\n"
	"  auto: {command: \"true\", pack: auto, pack_time: 10m, scenario_time: 1m,\n"
	"         cpus: 2, pack_parallel: 2}\n"
	"  single: {command: \"true\"}\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 9}\n";

/* Scenario 4 fails with 5; each run leaves "<n> <task id> <attempt>". */
static const char task_sh[] =
	"echo \"$1 $SCALABLE_TASK_ID $SCALABLE_ATTEMPT\" >>ran.log\n"
	"echo \"out of $1\"\n"
	"[ \"$1\" = 4 ] && { echo \"bad $1\" >&2; exit 5; }\n"
	"exit 0\n";

static struct plan *make_plan(struct config *config, const char *dir, const char *target,
			      const char *runner)
{
	struct plan_options o = {
		.target = config_target(config, target), .run_dir = dir, .run_id = "run-k",
		.wave = "w001", .max_array_size = 2, .pack_runner = runner,
	};
	struct plan *plan = NULL;
	struct error err;

	if (plan_initial(config, &o, &plan, &err) != 0)
		fail_msg("%s", err.text);
	return plan;
}

static bool env_has(char *const *env, const char *entry)
{
	for (; env && *env; env++)
		if (!strcmp(*env, entry))
			return true;
	return false;
}

static bool argv_has(char *const *argv, const char *arg)
{
	for (; argv && *argv; argv++)
		if (!strcmp(*argv, arg))
			return true;
	return false;
}

static void test_chunks_count_array_tasks(void **state)
{
	char *dir = tmpdir_create();
	struct config *config = load_config_text(dir, yaml);
	struct plan *plan = make_plan(config, dir, "here", "/x/scalable");
	const struct plan_group *g = &plan->groups[0];

	(void)state;
	assert_int_equal(g->pack, 3);
	assert_int_equal(g->n_chunks, 2);   /* 2 array tasks x 3 scenarios per chunk */
	assert_int_equal(g->chunks[0].count, 6);
	assert_int_equal(g->chunks[0].n_array, 2);
	assert_int_equal(g->chunks[0].offset, 0);
	assert_string_equal(g->chunks[0].array, "0-1");
	assert_int_equal(g->chunks[1].count, 4);
	assert_int_equal(g->chunks[1].offset, 6);
	assert_int_equal(g->chunks[1].n_array, 2);   /* 3 + 1 */
	assert_string_equal(g->chunks[1].array, "0-1");
	assert_int_equal(plan_array_task_id(g, &g->chunks[1], 3), 1);
	assert_int_equal(plan_array_task_id(g, &g->chunks[1], 2), 0);
	assert_true(env_has(g->chunks[0].env, "SCALABLE_PACK=3"));
	/* auto without a walltime: pack_time / scenario_time */
	assert_int_equal(plan->groups[1].pack, 10);
	assert_int_equal(plan->groups[1].pack_parallel, 2);
	/* unpacked: as before, array index = scenario index - offset */
	assert_int_equal(plan->groups[2].pack, 1);
	assert_int_equal(plan->groups[2].chunks[1].n_array, 2);
	assert_int_equal(plan->groups[2].chunks[1].offset, 2);
	assert_string_equal(plan->groups[2].chunks[1].array, "0-1");
	assert_false(env_has(plan->groups[2].chunks[0].env, "SCALABLE_PACK=1"));
	plan_free(plan);
	plan = make_plan(config, dir, "hpc", "/x/scalable");
	assert_int_equal(plan->groups[1].pack, 5);   /* what fits in 5 minutes */
	assert_true(argv_has(plan->groups[0].chunks[1].argv, "--array=0-1"));
	plan_free(plan);
	config_free(config);
	tmpdir_remove(dir);
}

/* The unpacked script has no pack block and its prelude as it was. */
static void test_single_script_unchanged(void **state)
{
	char *dir = tmpdir_create();
	struct config *config = load_config_text(dir, yaml);
	struct plan *plan = make_plan(config, dir, "here", "/x/scalable");
	struct strbuf single = { 0 }, packed = { 0 };
	struct error err;

	(void)state;
	assert_int_equal(wave_script_render(plan, &plan->groups[2], &single, &err), 0);
	assert_null(strstr(single.text, "scalable pack"));
	assert_non_null(strstr(single.text, "export SCALABLE_TASK_ID=" WAVE_ARRAY_TASK_ID "\n"));
	assert_int_equal(wave_script_render(plan, &plan->groups[0], &packed, &err), 0);
	assert_non_null(strstr(packed.text, "export SCALABLE_TASK_ID=" WAVE_PACK_TASK_ID "\n"));
	assert_true(strstr(packed.text, "scalable pack:") < strstr(packed.text, "scalable prelude"));
	assert_non_null(strstr(packed.text, "/x/scalable pack-exec --parallel 1"));
	strbuf_free(&single);
	strbuf_free(&packed);
	plan_free(plan);
	config_free(config);
	tmpdir_remove(dir);
}

struct seen {
	int starts, ends, failed;
	int64_t rss;
};

static int count(json_t *record, void *ctx)
{
	struct seen *s = ctx;
	struct scenario_record_fields f;

	if (scenario_record_parse(record, &f) != 0)
		return 0;
	assert_string_equal(f.run_id, "run-k");
	assert_int_equal(f.array_task_id, 1);
	s->starts += !f.end;
	s->ends += f.end;
	s->failed += f.end && f.exit_code == 5 && f.task_id == 4;
	if (f.end && f.max_rss_bytes > s->rss)
		s->rss = f.max_rss_bytes;
	return 0;
}

/* Runs array task 1 (scenarios 3, 4, 5) of restart r; its exit status. */
static int run_pack(const char *dir, const char *script, unsigned restart)
{
	char *command;
	int rc;

	assert_true(asprintf(&command, "cd '%s' && env SLURM_ARRAY_TASK_ID=1 "
			     "SLURM_ARRAY_JOB_ID=50 SLURM_JOB_ID=52 SLURM_RESTART_COUNT=%u "
			     "SCALABLE_INDEX_OFFSET=0 bash '%s' 2>>stderr.log", dir, restart,
			     script) > 0);
	rc = system(command);
	free(command);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void run_for_real(const char *runner, bool peak_known)
{
	char *dir = tmpdir_create(), *text, *records;
	struct config *config;
	struct plan *plan;
	struct seen s = { .rss = -1 };
	struct error err;

	tmpdir_write(dir, "task.sh", task_sh);
	config = load_config_text(dir, yaml);
	plan = make_plan(config, dir, "here", runner);
	assert_int_equal(plan_write_scripts(plan, &err), 0);
	assert_int_equal(run_pack(dir, plan->groups[0].script_path, 0), 5);
	text = tmpdir_read(dir, "ran.log");
	assert_string_equal(text, "3 3 1\n4 4 1\n5 5 1\n");
	free(text);
	text = tmpdir_read(dir, "logs/model-4.1.err");
	assert_string_equal(text, "bad 4\n");
	free(text);
	text = tmpdir_read(dir, "logs/model-5.1.out");
	assert_string_equal(text, "out of 5\n");
	free(text);
	assert_true(asprintf(&records, "%s/events/pack.50_1.0.jsonl", dir) > 0);
	assert_int_equal(jsonl_read(records, count, &s, NULL, &err), 0);
	free(records);
	assert_int_equal(s.starts, 3);
	assert_int_equal(s.ends, 3);
	assert_int_equal(s.failed, 1);
	assert_true(peak_known ? s.rss > 0 : s.rss < 0);
	text = tmpdir_read(dir, "stderr.log");
	assert_true(peak_known == (strstr(text ? text : "", "is not on") == NULL));
	free(text);
	/* requeued: every scenario ended in restart 0, so none runs again */
	assert_int_equal(run_pack(dir, plan->groups[0].script_path, 1), 0);
	text = tmpdir_read(dir, "ran.log");
	assert_string_equal(text, "3 3 1\n4 4 1\n5 5 1\n");
	free(text);
	plan_free(plan);
	config_free(config);
	tmpdir_remove(dir);
}

static void test_pack_exec(void **state)
{
	const char *bin = getenv("SCALABLE_BIN");

	(void)state;
	if (!bin)
		skip();
	run_for_real(bin, true);
}

static void test_bash_fallback(void **state)
{
	(void)state;
	run_for_real("/nonexistent/scalable", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunks_count_array_tasks),
		cmocka_unit_test(test_single_script_unchanged),
		cmocka_unit_test(test_pack_exec),
		cmocka_unit_test(test_bash_fallback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
