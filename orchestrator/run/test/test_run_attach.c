/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Re-attaching to a Slurm run (run_session_attach) with shims on PATH: an
 * intent the journal left unanswered is looked for by its key, in squeue's
 * job comments first, then by the chunk's job name in sacct; found, it is
 * journaled submitted and tracked; not found, absent. A second re-attach
 * asks Slurm nothing, and a run held by another session is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/exit_codes.h"
#include "testing/orch_helpers.h"
#include "run/run_session.h"
#include "run/run_submit.h"
#include "testing/slurm_shims.h"
#include "test/tmpdir.h"

struct fixture {
	char *dir, *old_path, *root, *run_id;
	unsigned notes;
};

static void count_note(void *ctx, const char *text)
{
	struct fixture *f = ctx;

	(void)text;
	f->notes++;
}

static void write_run_json(const struct run_dir *run)
{
	struct run_record r = {
		.run_id = run->id, .project_name = "p", .target_name = "hpc",
		.provider_name = "slurm", .source_manifest_path = "/nonexistent/scalable.yaml",
		.status = RUN_STATUS_RUNNING,
	};
	struct error err;

	rfc3339_now(r.started_at, sizeof r.started_at);
	if (run_record_write(run->path, &r, &err) != 0)
		fail_msg("%s", err.text);
}

/* Two chunks whose sbatch was never answered: offsets 0 and 1001. */
static void write_uncertain_intents(const struct run_dir *run)
{
	static const struct plan_task first[] = { { 0, 1 }, { 1, 1 } };
	static const struct plan_task second[] = { { 1001, 1 } };
	struct journal_intent in = { .wave = "w001", .group = "model", .component = "model",
				     .array = "0-1", .tasks = first, .n_tasks = 2,
				     .resources = { .cpus = 1 } };
	char key[JOURNAL_KEY_MAX];
	struct journal *j;
	struct error err;

	if (journal_open(run->path, &j, &err) != 0 || journal_intent(j, &in, key, &err) != 0)
		fail_msg("%s", err.text);
	in.offset = 1001;
	in.array = "0";
	in.tasks = second;
	in.n_tasks = 1;
	if (journal_intent(j, &in, key, &err) != 0)
		fail_msg("%s", err.text);
	journal_close(j);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct run_dir *run;
	struct error err;
	char squeue[1024];

	f->dir = tmpdir_create();
	f->old_path = slurm_shims_install(f->dir);
	assert_true(asprintf(&f->root, "%s/runs", f->dir) > 0);
	if (run_dir_create(f->root, "p", "run", &run, &err) != 0)
		fail_msg("%s", err.text);
	f->run_id = strdup(run->id);
	write_run_json(run);
	write_uncertain_intents(run);
	run_dir_free(run);  /* the orchestrator died: its lock went with it */
	snprintf(squeue, sizeof squeue,
		 "4243|4242|0|RUNNING|None|vm|0|scalable:%s:w001/model/0|\n"
		 "4242|4242|1|PENDING|None||0|scalable:%s:w001/model/0|\n"
		 "900|900|N/A|RUNNING|None|vm|0|scalable:run-other:w001/model/1001|\n",
		 f->run_id, f->run_id);
	tmpdir_write(f->dir, "squeue.out", squeue);
	tmpdir_write(f->dir, "sacct.out", "");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	slurm_shims_remove(f->old_path);
	tmpdir_remove(f->dir);
	free(f->root);
	free(f->run_id);
	free(f);
	return 0;
}

static struct run_session *attach(struct fixture *f)
{
	struct run_session_spec spec = { .runs_root = f->root, .run = f->run_id,
					 .command = "watch", .note = count_note, .note_ctx = f };
	struct run_session *s;
	struct error err;

	if (run_session_attach(&spec, &s, &err) != 0)
		fail_msg("%s", err.text);
	return s;
}

static void unanswered_intents_are_found_or_declared_absent(void **state)
{
	struct fixture *f = *state;
	struct run_session *s = attach(f);
	const struct journal_replay *j = run_session_journal(s);
	char name[256];

	assert_int_equal(journal_find(j, "w001/model/0")->state, JOURNAL_SUBMITTED);
	assert_int_equal(journal_find(j, "w001/model/0")->job_id, 4242);
	assert_int_equal(journal_find(j, "w001/model/1001")->state, JOURNAL_ABSENT);
	assert_non_null(tracker_find(s->tracker, "model", 1, 1));
	assert_int_equal(tracker_find(s->tracker, "model", 1, 1)->array_job_id, 4242);
	assert_null(tracker_find(s->tracker, "model", 1001, 1));
	/* squeue for each, with every job of the user; sacct by name for the one
	 * squeue did not have */
	assert_int_equal(slurm_shims_calls_with(f->dir, "squeue", "[--me]"), 2);
	snprintf(name, sizeof name, "[--name=p.model.w001.1001.%s]",
		 f->run_id + strlen(f->run_id) - 8);
	assert_int_equal(slurm_shims_calls_with(f->dir, "sacct", name), 1);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 0);
	assert_int_equal(f->notes, 1);  /* the config is gone */
	run_session_free(s);

	/* again: nothing is uncertain any more, Slurm is not asked */
	s = attach(f);
	assert_int_equal(slurm_shims_calls(f->dir, "squeue"), 2);
	assert_int_equal(slurm_shims_calls(f->dir, "sacct"), 1);
	assert_int_equal(run_session_journal(s)->count, 2);
	run_session_free(s);
}

static void a_job_found_only_in_accounting(void **state)
{
	struct fixture *f = *state;
	struct run_session *s;

	tmpdir_write(f->dir, "squeue.out", "");
	tmpdir_write(f->dir, "sacct.out", "5150_[0-1]\n5150_0\n");
	s = attach(f);
	assert_int_equal(journal_find(run_session_journal(s), "w001/model/0")->job_id, 5150);
	assert_int_equal(journal_find(run_session_journal(s), "w001/model/1001")->job_id, 5150);
	run_session_free(s);
}

/* Killed between run.json's final status and the journal's `closed`: the
 * next attach writes `closed` once; a read-only one writes nothing. */
static void a_run_closed_in_run_json_is_closed_in_the_journal(void **state)
{
	struct fixture *f = *state;
	struct run_session_spec spec = { .runs_root = f->root, .run = f->run_id,
					 .command = "status", .read_only = true };
	struct run_record r = { 0 };
	struct run_session *s;
	struct error err;
	char *path;

	assert_true(asprintf(&path, "%s/%s", f->root, f->run_id) > 0);
	if (run_record_read(path, &r, &err) != 0)
		fail_msg("%s", err.text);
	r.status = RUN_STATUS_COMPLETED;
	if (run_record_write(path, &r, &err) != 0)
		fail_msg("%s", err.text);
	run_record_clear(&r);
	assert_int_equal(run_session_attach(&spec, &s, &err), 0);
	assert_false(run_session_journal(s)->closed);
	run_session_free(s);
	s = attach(f);
	run_session_free(s);
	s = attach(f);
	assert_true(run_session_journal(s)->closed);
	assert_string_equal(run_session_journal(s)->closed_status, "completed");
	run_session_free(s);
	free(path);
}

/* Killed before the intent of the first wave's second chunk (w001/scenario/0
 * was only intended, w001/scenario/5 not even that): the first chunk is
 * found absent, and watch's first step submits both, then closes the wave. */
static void a_first_wave_cut_short_is_finished(void **state)
{
	struct fixture *f = *state;
	struct config *config = load_config_text(f->dir,
		"version: 1\nproject: p\n"
		"targets:\n  hpc: {provider: slurm, max_array_size: 5}\n"
		"components:\n  scenario: {command: 'true'}\n"
		"scenarios:\n  range: {name: n, start: 0, stop: 9}\n");
	struct run_session_spec spec = { .runs_root = f->root, .command = "watch",
					 .note = count_note, .note_ctx = f };
	struct run_session *s;
	struct plan *plan;
	struct journal_intent in;
	char key[JOURNAL_KEY_MAX], *run_id;
	struct error err;

	if (run_session_create(config, config_target(config, NULL), f->root, NULL, NULL, &s,
			       &plan, &err) != 0)
		fail_msg("%s", err.text);
	spec.run = run_id = strdup(s->run->id);
	assert_int_equal(plan->groups[0].n_chunks, 2);
	in = (struct journal_intent){
		.wave = plan->wave, .group = plan->groups[0].name, .component = "scenario",
		.offset = 0, .array = plan->groups[0].chunks[0].array,
		.tasks = plan->groups[0].tasks, .n_tasks = plan->groups[0].chunks[0].count,
		.resources = plan->groups[0].resources,
	};
	if (journal_intent(s->journal, &in, key, &err) != 0)
		fail_msg("%s", err.text);
	plan_free(plan);
	run_session_free(s);  /* killed here */

	tmpdir_write(f->dir, "squeue.out", "");
	tmpdir_write(f->dir, "sacct.out", "");
	tmpdir_write(f->dir, "sbatch.out", "7000\n");
	if (run_session_attach(&spec, &s, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(journal_find(journal_state(s->journal), "w001/scenario/0")->state,
			 JOURNAL_ABSENT);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 0);
	if (run_submit_retries(s, &err) < 0)
		fail_msg("%s", err.text);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 2);
	assert_int_equal(journal_find(journal_state(s->journal), "w001/scenario/0")->state,
			 JOURNAL_SUBMITTED);
	assert_int_equal(journal_find(journal_state(s->journal), "w001/scenario/5")->state,
			 JOURNAL_SUBMITTED);
	assert_true(journal_wave_is_done(journal_state(s->journal), "w001"));
	assert_non_null(tracker_find(s->tracker, "scenario", 9, 1));
	/* once done, never again */
	if (run_submit_retries(s, &err) < 0)
		fail_msg("%s", err.text);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 2);
	run_session_free(s);
	free(run_id);
}

static void a_held_run_is_refused(void **state)
{
	struct fixture *f = *state;
	struct run_session_spec spec = { .runs_root = f->root, .run = f->run_id,
					 .command = "watch" };
	struct run_session *holder = attach(f), *second;
	struct error err;

	assert_int_equal(run_session_attach(&spec, &second, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_LOCKED);
	spec.read_only = true;  /* status needs no lock */
	assert_int_equal(run_session_attach(&spec, &second, &err), 0);
	run_session_free(second);
	run_session_free(holder);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unanswered_intents_are_found_or_declared_absent,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_job_found_only_in_accounting, setup, teardown),
		cmocka_unit_test_setup_teardown(a_held_run_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_run_closed_in_run_json_is_closed_in_the_journal,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_first_wave_cut_short_is_finished, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
