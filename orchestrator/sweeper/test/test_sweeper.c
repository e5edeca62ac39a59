/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Detached mode without a cluster (Slurm's commands are shims on PATH):
 * the sweeper's sbatch line; the chain (one intent and one answer per
 * sweeper, a newer sweeper left alone, an unanswered intent settled by
 * the comment, giving up after failed passes, a refused dependency tried
 * again as a delay, a sweeper queued although sbatch failed found in
 * squeue); and a new run swept pass by pass: what the next
 * sweeper waits for, the retry submitted, and when the run is over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/jsonl_file.h"

#include "testing/orch_helpers.h"
#include "run/run_follow.h"
#include "run/run_submit.h"
#include "sweeper/sweeper_pass.h"
#include "testing/slurm_shims.h"
#include "test/tmpdir.h"

#define RUN_ID "run-20260101T000000Z-p-0badcafe"

struct fixture {
	char *dir, *old_path, *run_dir;
	struct sweeper_job job;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->dir = tmpdir_create();
	f->old_path = slurm_shims_install(f->dir);
	assert_true(asprintf(&f->run_dir, "%s/it's a run", f->dir) > 0);
	tmpdir_write(f->dir, "it's a run/logs/.keep", "");
	f->job = (struct sweeper_job){ .run_dir = f->run_dir, .run_id = RUN_ID, .project = "p",
				       .partition = "low", .program = "/opt/bin/scalable",
				       .poll_interval_s = 30 };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	slurm_shims_remove(f->old_path);
	tmpdir_remove(f->dir);
	free(f->run_dir);
	free(f);
	return 0;
}

static bool has_arg(char **argv, const char *arg)
{
	for (size_t i = 0; argv[i]; i++)
		if (!strcmp(argv[i], arg))
			return true;
	return false;
}

static bool has_prefix(char **argv, const char *prefix)
{
	for (size_t i = 0; argv[i]; i++)
		if (!strncmp(argv[i], prefix, strlen(prefix)))
			return true;
	return false;
}

static void the_sbatch_line_depends_or_delays(void **state)
{
	struct fixture *f = *state;
	static const uint32_t after[] = { 5, 7 };
	char **argv = sweeper_sbatch_argv(&f->job, after, 2, 30), expect[8192];

	assert_non_null(argv);
	assert_string_equal(argv[0], "sbatch");
	assert_true(has_arg(argv, "--dependency=afterany:5:7"));
	assert_true(has_arg(argv, "--kill-on-invalid-dep=no"));
	assert_false(has_prefix(argv, "--begin"));
	assert_true(has_arg(argv, "--comment=scalable:" RUN_ID ":sweeper"));
	assert_true(has_arg(argv, "--job-name=p.sweeper.0badcafe"));
	assert_true(has_arg(argv, "--partition=low"));
	assert_true(has_arg(argv, "--cpus-per-task=1"));
	snprintf(expect, sizeof expect, "--output=%s/logs/sweeper-%%j.out", f->run_dir);
	assert_true(has_arg(argv, expect));
	/* the run directory quoted for sh: it holds a space and a quote */
	snprintf(expect, sizeof expect, "--wrap=exec /opt/bin/scalable sweep --poll-interval 30s "
		 "'%s/it'\\''s a run'", f->dir);
	assert_true(has_arg(argv, expect));
	sweeper_argv_free(argv);

	argv = sweeper_sbatch_argv(&f->job, NULL, 0, 30);
	assert_true(has_arg(argv, "--begin=now+30"));
	assert_false(has_prefix(argv, "--dependency"));
	sweeper_argv_free(argv);

	f->job.run_dir = "/r/100%j";   /* a '%' of the path is literal for sbatch */
	argv = sweeper_sbatch_argv(&f->job, NULL, 0, 30);
	assert_true(has_arg(argv, "--output=/r/100%%j/logs/sweeper-%j.out"));
	sweeper_argv_free(argv);
	f->job.run_dir = f->run_dir;
}

/* Queues a sweeper as self; returns the outcome, fails on an error. */
static enum sweeper_outcome chain(struct fixture *f, uint32_t self, bool pass_failed,
				  uint32_t *job_id)
{
	static const uint32_t after[] = { 41 };
	struct sweeper_request req = { .after = after, .n_after = 1, .begin_delay_s = 30,
				       .pass_failed = pass_failed };
	enum sweeper_outcome outcome;
	struct error err;

	if (sweeper_chain(&f->job, self, &req, &outcome, job_id, &err) != 0)
		fail_msg("%s", err.text);
	return outcome;
}

static struct sweeper_state read_log(struct fixture *f)
{
	struct sweeper_state s;
	struct error err;

	if (sweeper_log_read(f->run_dir, &s, &err) != 0)
		fail_msg("%s", err.text);
	return s;
}

static void one_sweeper_after_another(void **state)
{
	struct fixture *f = *state;
	struct sweeper_state s;
	uint32_t job_id;
	char squeue[512];

	tmpdir_write(f->dir, "sbatch.out", "4242\n");
	assert_int_equal(chain(f, 0, false, &job_id), SWEEPER_QUEUED);  /* scalable submit */
	assert_int_equal(job_id, 4242);
	/* the sweeper 4242 queues the next: the log says it is the newest, Slurm is not asked */
	tmpdir_write(f->dir, "sbatch.out", "4243\n");
	assert_int_equal(chain(f, 4242, false, &job_id), SWEEPER_QUEUED);
	assert_int_equal(slurm_shims_calls(f->dir, "squeue"), 0);
	assert_int_equal(slurm_shims_calls_with(f->dir, "sbatch", "[--dependency=afterany:41]"), 2);
	s = read_log(f);
	assert_int_equal(s.newest, 2);
	assert_int_equal(s.state, JOURNAL_SUBMITTED);
	assert_int_equal(s.job_id, 4243);
	assert_int_equal(s.n_job_ids, 2);
	sweeper_state_free(&s);

	/* a stale sweeper (or one run by hand) while 4243 is queued: nothing */
	snprintf(squeue, sizeof squeue, "4243|4243|N/A|PENDING|Dependency||0|scalable:%s:sweeper|\n"
		 "4244|4244|N/A|RUNNING|None|vm|0|scalable:run-other:sweeper|\n", RUN_ID);
	tmpdir_write(f->dir, "squeue.out", squeue);
	assert_int_equal(chain(f, 4242, false, &job_id), SWEEPER_SUPERSEDED);
	assert_int_equal(chain(f, 0, false, &job_id), SWEEPER_SUPERSEDED);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 2);
	/* 4243 was cancelled without queueing another: a hand-run sweep takes over */
	snprintf(squeue, sizeof squeue, "4243|4243|N/A|CANCELLED|None||0|scalable:%s:sweeper|\n",
		 RUN_ID);
	tmpdir_write(f->dir, "squeue.out", squeue);
	tmpdir_write(f->dir, "sbatch.out", "4250\n");
	assert_int_equal(chain(f, 0, false, &job_id), SWEEPER_QUEUED);
	assert_int_equal(job_id, 4250);
}

static void an_unanswered_intent_is_settled_by_the_comment(void **state)
{
	struct fixture *f = *state;
	struct sweeper_state s;
	struct error err;
	uint32_t job_id;
	char path[4096], squeue[512];
	int fd;

	/* the submitter died in sbatch: intent 1 without an answer */
	snprintf(path, sizeof path, "%s/%s", f->run_dir, SWEEPER_LOG_FILE);
	fd = jsonl_open_append(path, &err);
	assert_true(fd >= 0);
	assert_int_equal(sweeper_log_intent(fd, path, 1, NULL, 0, 30, 0, &err), 0);
	close(fd);
	/* ... and its sweeper, 5000, is the one running now */
	snprintf(squeue, sizeof squeue, "5000|5000|N/A|RUNNING|None|vm|0|scalable:%s:sweeper|\n",
		 RUN_ID);
	tmpdir_write(f->dir, "squeue.out", squeue);
	tmpdir_write(f->dir, "sbatch.out", "5001\n");
	assert_int_equal(chain(f, 5000, false, &job_id), SWEEPER_QUEUED);
	s = read_log(f);
	assert_int_equal(s.newest, 2);
	assert_int_equal(s.n_job_ids, 2);
	assert_int_equal(s.job_ids[0], 5000);
	assert_int_equal(s.job_ids[1], 5001);
	sweeper_state_free(&s);
}

static void an_intent_with_no_job_is_absent(void **state)
{
	struct fixture *f = *state;
	struct sweeper_state s;
	struct error err;
	uint32_t job_id;
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/%s", f->run_dir, SWEEPER_LOG_FILE);
	fd = jsonl_open_append(path, &err);
	assert_int_equal(sweeper_log_intent(fd, path, 1, NULL, 0, 30, 0, &err), 0);
	close(fd);
	tmpdir_write(f->dir, "squeue.out", "");
	tmpdir_write(f->dir, "sbatch.out", "6000\n");
	assert_int_equal(chain(f, 0, false, &job_id), SWEEPER_QUEUED);
	assert_int_equal(slurm_shims_calls(f->dir, "squeue"), 1);
	assert_int_equal(job_id, 6000);
	s = read_log(f);
	assert_int_equal(s.newest, 2);
	assert_int_equal(s.n_job_ids, 1);
	sweeper_state_free(&s);
}

static void failed_passes_stop_the_chain(void **state)
{
	struct fixture *f = *state;
	uint32_t job_id = 0;

	tmpdir_write(f->dir, "sbatch.out", "7000\n");
	assert_int_equal(chain(f, 0, false, &job_id), SWEEPER_QUEUED);
	for (uint32_t i = 0; i < SWEEPER_MAX_FAILED_PASSES; i++)
		assert_int_equal(chain(f, job_id, true, &job_id), SWEEPER_QUEUED);
	assert_int_equal(chain(f, job_id, true, &job_id), SWEEPER_GAVE_UP);
	/* a pass that works starts the count again */
	assert_int_equal(chain(f, job_id, false, &job_id), SWEEPER_QUEUED);
	assert_int_equal(chain(f, job_id, true, &job_id), SWEEPER_QUEUED);
}

static void a_refused_dependency_becomes_a_delay(void **state)
{
	struct fixture *f = *state;
	static const uint32_t after[] = { 41 };
	struct sweeper_request req = { .after = after, .n_after = 1, .begin_delay_s = 30 };
	enum sweeper_outcome outcome;
	struct sweeper_state s;
	struct error err;
	uint32_t job_id;

	tmpdir_write(f->dir, "sbatch.err", "sbatch: error: Batch job submission failed: "
		     "Job dependency problem\n");
	tmpdir_write(f->dir, "sbatch.rc", "1\n");
	assert_int_equal(sweeper_chain(&f->job, 0, &req, &outcome, &job_id, &err), -1);
	assert_int_equal(slurm_shims_calls_with(f->dir, "sbatch", "[--dependency=afterany:41]"), 1);
	assert_int_equal(slurm_shims_calls_with(f->dir, "sbatch", "[--begin=now+30]"), 1);
	s = read_log(f);
	assert_int_equal(s.newest, 2);
	assert_int_equal(s.state, JOURNAL_SUBMIT_FAILED);
	sweeper_state_free(&s);
}

static void a_sweeper_queued_despite_sbatch_is_recorded(void **state)
{
	struct fixture *f = *state;
	struct sweeper_state s;
	uint32_t job_id;
	char squeue[512];

	tmpdir_write(f->dir, "sbatch.out", "8000\n");
	assert_int_equal(chain(f, 0, false, &job_id), SWEEPER_QUEUED);
	/* 8000 queues the next; sbatch times out, but the job is in the queue */
	tmpdir_write(f->dir, "sbatch.out", "");
	tmpdir_write(f->dir, "sbatch.err", "sbatch: error: Socket timed out on send/recv operation\n");
	tmpdir_write(f->dir, "sbatch.rc", "1\n");
	snprintf(squeue, sizeof squeue, "8000|8000|N/A|RUNNING|None|vm|0|scalable:%s:sweeper|\n"
		 "8001|8001|N/A|PENDING|Dependency||0|scalable:%s:sweeper|\n", RUN_ID, RUN_ID);
	tmpdir_write(f->dir, "squeue.out", squeue);
	assert_int_equal(chain(f, 8000, false, &job_id), SWEEPER_QUEUED);
	assert_int_equal(job_id, 8001);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 2);  /* no second try */
	s = read_log(f);
	assert_int_equal(s.state, JOURNAL_SUBMITTED);
	assert_int_equal(s.job_id, 8001);
	sweeper_state_free(&s);
}

/* A new run of three tasks on a Slurm target, its first wave submitted as
 * array 100. */
static struct run_session *new_run(struct fixture *f)
{
	struct config *config = load_config_text(f->dir,
		"version: 1\nproject: p\n"
		"targets:\n  hpc: {provider: slurm, partition: low, poll_interval: 5s}\n"
		"components:\n  model: {command: 'true'}\n"
		"scenarios:\n  range: {name: n, start: 0, stop: 2}\n"
		"retry:\n  transient: {max_attempts: 3, backoff: {initial: 1s, factor: 1, "
		"max: 1s, jitter: 0}}\n");
	struct run_session *s;
	struct plan *plan;
	struct error err;
	char root[4096];

	snprintf(root, sizeof root, "%s/runs", f->dir);
	tmpdir_write(f->dir, "sbatch.out", "100\n");
	if (run_session_create(config, config_target(config, NULL), root, NULL, NULL, &s, &plan,
			       &err) != 0 || run_submit_plan(s, plan, &err) != 0)
		fail_msg("%s", err.text);
	plan_free(plan);
	return s;
}

static void assert_waits_for(struct run_session *s, uint32_t self, const uint32_t *want,
			     size_t n)
{
	uint32_t *ids;
	size_t got = sweeper_jobs_to_wait_for(s->tracker, self, &ids);

	assert_int_equal(got, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ids[i], want[i]);
	free(ids);
}

static void a_run_swept_pass_by_pass(void **state)
{
	struct fixture *f = *state;
	struct run_session *s = new_run(f);
	struct error err;

	/* just submitted: the next sweeper waits for the wave, never for itself */
	assert_waits_for(s, 0, (uint32_t[]){ 100 }, 1);
	assert_waits_for(s, 100, NULL, 0);
	assert_false(run_follow_finished(s));

	/* the wave ended: task 1 exited 75 (transient), the others succeeded */
	tmpdir_write(f->dir, "squeue.out", "");
	tmpdir_write(f->dir, "sacct.out",
		     "100_0|101|COMPLETED|0:0|0:0|None|vm|1795814173|1795814173|1795814188|15|2|50M|\n"
		     "100_1|102|FAILED|75:0|0:0|None|vm|1795814173|1795814173|1795814188|15|2|50M|\n"
		     "100_2|103|COMPLETED|0:0|0:0|None|vm|1795814173|1795814173|1795814188|15|2|50M|\n");
	tmpdir_write(f->dir, "sbatch.out", "200\n");
	assert_int_equal(sweeper_pass(s, &err), 1);
	assert_int_equal(slurm_shims_calls_with(f->dir, "sbatch", "[--begin=now+1]"), 1);
	assert_int_equal(tracker_find(s->tracker, "model", 1, 2)->array_job_id, 200);
	assert_waits_for(s, 0, (uint32_t[]){ 200 }, 1);
	assert_false(run_follow_finished(s));

	/* squeue lists the retry no more and accounting has no word yet: nothing
	 * to wait for, the run is not over (a delay, then) */
	tmpdir_write(f->dir, "sacct.out",
		     "200_1|201|RUNNING|0:0|0:0|None|vm|1795814173|1795814173|0|15|2|50M|\n");
	assert_int_equal(sweeper_pass(s, &err), 0);
	assert_waits_for(s, 0, NULL, 0);
	assert_false(run_follow_finished(s));

	/* the retry succeeded: the run is over, nothing to wait for */
	tmpdir_write(f->dir, "sacct.out",
		     "200_1|201|COMPLETED|0:0|0:0|None|vm|1795814173|1795814173|1795814188|15|2|50M|\n");
	assert_int_equal(sweeper_pass(s, &err), 0);
	assert_true(run_follow_finished(s));
	assert_waits_for(s, 0, NULL, 0);
	assert_int_equal(slurm_shims_calls(f->dir, "sbatch"), 2);
	run_session_free(s);
}

static void a_sweeper_knows_its_job_and_passes_none_of_it_on(void **state)
{
	struct sweeper_self self;

	(void)state;
	setenv("SLURM_JOB_ID", "4242", 1);
	setenv("SLURM_JOB_PARTITION", "low", 1);
	setenv("SLURM_CPUS_PER_TASK", "1", 1);
	setenv("SLURM_CONF", "/etc/slurm/slurm.conf", 1);
	setenv("SCALABLE_RUN_DIR", "/runs/r", 1);
	setenv("SCALABLE_ATTEMPT", "2", 1);
	setenv("SCALABLE_RUNS_DIR", "/runs", 1);
	sweeper_self_read(&self);
	sweeper_clean_environment();
	assert_int_equal(self.job_id, 4242);
	assert_string_equal(self.partition, "low");
	assert_string_equal(self.account, "");
	/* the plugin must not record a sweeper, nor the next wave inherit its job */
	assert_null(getenv("SCALABLE_RUN_DIR"));
	assert_null(getenv("SCALABLE_ATTEMPT"));
	assert_null(getenv("SLURM_JOB_ID"));
	assert_null(getenv("SLURM_CPUS_PER_TASK"));
	assert_string_equal(getenv("SLURM_CONF"), "/etc/slurm/slurm.conf");
	assert_string_equal(getenv("SCALABLE_RUNS_DIR"), "/runs");
	assert_non_null(getenv("PATH"));
	unsetenv("SLURM_CONF");
	unsetenv("SCALABLE_RUNS_DIR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_sbatch_line_depends_or_delays, setup, teardown),
		cmocka_unit_test_setup_teardown(one_sweeper_after_another, setup, teardown),
		cmocka_unit_test_setup_teardown(an_unanswered_intent_is_settled_by_the_comment, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_intent_with_no_job_is_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_passes_stop_the_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refused_dependency_becomes_a_delay, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_sweeper_queued_despite_sbatch_is_recorded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_run_swept_pass_by_pass, setup, teardown),
		cmocka_unit_test(a_sweeper_knows_its_job_and_passes_none_of_it_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
