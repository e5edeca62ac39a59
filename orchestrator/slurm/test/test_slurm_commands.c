/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the Slurm calls themselves: shims first on PATH stand in
 * for sbatch, squeue, sacct, scontrol and scancel, record each call and
 * print what the test gave them. Checks the exact command lines, one call
 * per request, and how failures are reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "testing/orch_helpers.h"
#include "lib/util/strbuf.h"
#include "slurm/slurm_commands.h"
#include "test/tmpdir.h"

/* Logs "name [arg] [arg] ... TF=<SLURM_TIME_FORMAT> BL=<SLURM_BITSTR_LEN>
 * OFF=<SCALABLE_INDEX_OFFSET>" to calls.log, then plays back name.err,
 * name.out, name.sleep and name.rc if the test wrote them. */
static const char shim[] =
	"#!/bin/sh\n"
	"name=${0##*/}; d=${0%/*}\n"
	"{ printf '%s' \"$name\"; for a in \"$@\"; do printf ' [%s]' \"$a\"; done\n"
	"  printf ' TF=%s BL=%s OFF=%s\\n' \"$SLURM_TIME_FORMAT\" \"$SLURM_BITSTR_LEN\" "
	"\"$SCALABLE_INDEX_OFFSET\"; } >> \"$d/calls.log\"\n"
	"[ -f \"$d/$name.err\" ] && cat \"$d/$name.err\" >&2\n"
	"[ -f \"$d/$name.out\" ] && cat \"$d/$name.out\"\n"
	"[ -f \"$d/$name.sleep\" ] && sleep \"$(cat \"$d/$name.sleep\")\"\n"
	"exit \"$(cat \"$d/$name.rc\" 2>/dev/null || echo 0)\"\n";

static const char *const programs[] = { "sbatch", "squeue", "sacct", "scontrol", "scancel" };

struct shims {
	char *dir;
	char *old_path;
};

static int setup(void **state)
{
	struct shims *s = calloc(1, sizeof *s);
	char path[4096];

	s->dir = tmpdir_create();
	for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
		char file[512];

		tmpdir_write(s->dir, programs[i], shim);
		snprintf(file, sizeof file, "%s/%s", s->dir, programs[i]);
		chmod(file, 0755);
	}
	s->old_path = strdup(getenv("PATH"));
	snprintf(path, sizeof path, "%s:%s", s->dir, s->old_path);
	setenv("PATH", path, 1);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct shims *s = *state;

	setenv("PATH", s->old_path, 1);
	free(s->old_path);
	tmpdir_remove(s->dir);
	free(s);
	return 0;
}

/* What name.<what> should hold for the next call. */
static void give(struct shims *s, const char *name, const char *what, const char *text)
{
	char file[64];

	snprintf(file, sizeof file, "%s.%s", name, what);
	tmpdir_write(s->dir, file, text);
}

/* A fixture of tests/fixtures/slurm as name's output. */
static void give_fixture(struct shims *s, const char *name, const char *fixture)
{
	char relpath[128], *path, *slash, *text;

	snprintf(relpath, sizeof relpath, "slurm/%s", fixture);
	path = fixture_path(relpath);
	slash = strrchr(path, '/');
	*slash = '\0';
	text = tmpdir_read(path, slash + 1);
	assert_non_null(text);
	give(s, name, "out", text);
	free(text);
	free(path);
}

/* give_fixture with each "(<uid>)" of the fixture made this process's uid
 * ("(1001)" as "(0)" for root): the jobs become the caller's. */
static void give_fixture_as_us(struct shims *s, const char *name, const char *fixture,
			       const char *uid)
{
	char relpath[128], ours[32], *path, *slash, *text;
	struct strbuf out = { 0 };

	snprintf(relpath, sizeof relpath, "slurm/%s", fixture);
	snprintf(ours, sizeof ours, "(%lu)", (unsigned long)getuid());
	path = fixture_path(relpath);
	slash = strrchr(path, '/');
	*slash = '\0';
	text = tmpdir_read(path, slash + 1);
	assert_non_null(text);
	for (const char *p = text, *hit; *p; p = hit + strlen(uid)) {
		if (!(hit = strstr(p, uid))) {
			strbuf_puts(&out, p);
			break;
		}
		strbuf_append(&out, p, (size_t)(hit - p));
		strbuf_puts(&out, ours);
	}
	give(s, name, "out", out.text);
	strbuf_free(&out);
	free(text);
	free(path);
}

/* The single call logged since the last check (fails on none or several). */
static char *the_call(struct shims *s)
{
	char *log = tmpdir_read(s->dir, "calls.log"), file[512];

	assert_non_null(log);
	assert_int_equal(tmpdir_count_lines(s->dir, "calls.log"), 1);
	snprintf(file, sizeof file, "%s/calls.log", s->dir);
	remove(file);
	return log;
}

static void assert_call(struct shims *s, const char *expected)
{
	char *call = the_call(s);

	assert_string_equal(call, expected);
	free(call);
}

static void test_sbatch_submits_once(void **state)
{
	struct shims *s = *state;
	const char *argv[] = { "sbatch", "--parsable", "--array=0-9%2", "/run/w001/a.sh", NULL };
	const char *env[] = { "SCALABLE_INDEX_OFFSET=1001", NULL };
	struct error err = { 0 };
	uint32_t id = 0;

	give(s, "sbatch", "out", "4242\n");
	assert_int_equal(slurm_sbatch(argv, env, 10, &id, &err), SLURM_OK);
	assert_int_equal(id, 4242);
	assert_call(s, "sbatch [--parsable] [--array=0-9%2] [/run/w001/a.sh] TF= BL= OFF=1001\n");
}

static void test_sbatch_failure_names_the_error(void **state)
{
	struct shims *s = *state;
	const char *argv[] = { "sbatch", "--parsable", "x.sh", NULL };
	struct error err = { 0 };
	uint32_t id = 0;

	give(s, "sbatch", "err",
	     "sbatch: warning: can't honor --ntasks-per-node set to 2\n"
	     "sbatch: error: Batch job submission failed: Invalid account or account/partition "
	     "combination specified\n");
	give(s, "sbatch", "rc", "1");
	assert_int_equal(slurm_sbatch(argv, NULL, 10, &id, &err), SLURM_FAILED);
	assert_string_equal(err.text, "sbatch failed (exited with status 1): sbatch: error: Batch "
				      "job submission failed: Invalid account or account/partition "
				      "combination specified");
	assert_int_equal(id, 0);
	free(the_call(s));
}

static void test_sbatch_timeout_warns_of_a_possible_job(void **state)
{
	struct shims *s = *state;
	const char *argv[] = { "sbatch", "--parsable", "x.sh", NULL };
	struct error err = { 0 };
	uint32_t id = 0;

	give(s, "sbatch", "sleep", "30");
	assert_int_equal(slurm_sbatch(argv, NULL, 1, &id, &err), SLURM_FAILED);
	assert_non_null(strstr(err.text, "sbatch failed (timed out after 1 s"));
	assert_non_null(strstr(err.text, "may have been submitted"));
	free(the_call(s));
}

static void test_squeue_one_call_for_all_jobs(void **state)
{
	static const uint32_t ids[] = { 223, 224, 225, 226, 227 };
	struct shims *s = *state;
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	give_fixture(s, "squeue", "squeue-22.05.txt");
	assert_int_equal(slurm_squeue(ids, 5, 10, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 14);
	assert_call(s, "squeue [-h] [-r] [--states=all] [--jobs=223,224,225,226,227] [-O] "
		       "[JobID:|,ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|,NodeList:|,"
		       "RestartCnt:|,Comment:|] TF=%s BL=0 OFF=\n");
	slurm_jobs_free(&jobs);
}

static void test_squeue_without_ids_lists_my_jobs(void **state)
{
	struct shims *s = *state;
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };
	char *call;

	give(s, "squeue", "out", "");
	assert_int_equal(slurm_squeue(NULL, 0, 10, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 0);
	call = the_call(s);
	assert_non_null(strstr(call, " [--me] "));
	free(call);
}

/* 22.05 fails when the only job asked about is gone: no jobs, no error. */
static void test_squeue_gone_job(void **state)
{
	static const uint32_t ids[] = { 99999 };
	struct shims *s = *state;
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	give(s, "squeue", "err", "slurm_load_jobs error: Invalid job id specified\n");
	give(s, "squeue", "rc", "1");
	assert_int_equal(slurm_squeue(ids, 1, 10, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 0);
	free(the_call(s));
}

static void test_squeue_controller_down(void **state)
{
	static const uint32_t ids[] = { 7 };
	struct shims *s = *state;
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	give(s, "squeue", "err",
	     "slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n");
	give(s, "squeue", "rc", "1");
	assert_int_equal(slurm_squeue(ids, 1, 10, &jobs, &err), SLURM_FAILED);
	assert_string_equal(err.text, "squeue failed (exited with status 1): slurm_load_jobs "
				      "error: Unable to contact slurm controller (connect failure)");
	free(the_call(s));
}

static void test_sacct_one_call_for_all_jobs(void **state)
{
	static const uint32_t ids[] = { 223, 224, 225, 226, 227, 231, 232 };
	struct shims *s = *state;
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };
	char *call;

	give_fixture(s, "sacct", "sacct-final-22.05.txt");
	assert_int_equal(slurm_sacct(ids, 7, 0, 10, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 16);
	assert_call(s, "sacct [-n] [-P] [-D] [--noconvert] [--jobs=223,224,225,226,227,231,232] "
		       "[-o] [JobID,JobIDRaw,State,ExitCode,DerivedExitCode,Reason,NodeList,Submit,"
		       "Start,End,ElapsedRaw,TimelimitRaw,ReqMem,MaxRSS] TF=%s BL=0 OFF=\n");
	slurm_jobs_free(&jobs);

	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(slurm_sacct(ids, 1, 1795812914, 10, &jobs, &err), SLURM_OK);
	call = the_call(s);
	assert_non_null(strstr(call, " [-S] [2026-11-27T20:55:14] "));
	free(call);
	slurm_jobs_free(&jobs);
}

static void test_sacct_without_accounting(void **state)
{
	static const uint32_t ids[] = { 4 };
	struct shims *s = *state;
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	give(s, "sacct", "err", "Slurm accounting storage is disabled\n");
	give(s, "sacct", "rc", "1");
	assert_int_equal(slurm_sacct(ids, 1, 0, 10, &jobs, &err), SLURM_NO_ACCOUNTING);
	assert_non_null(strstr(err.text, "accounting storage is disabled"));
	free(the_call(s));
	give(s, "sacct", "err", "sacct: error: Problem talking to the database: Connection refused\n");
	assert_int_equal(slurm_sacct(ids, 1, 0, 10, &jobs, &err), SLURM_ACCOUNTING_DOWN);
	free(the_call(s));
	give(s, "sacct", "err", "sacct: error: something else\n");
	assert_int_equal(slurm_sacct(ids, 1, 0, 10, &jobs, &err), SLURM_FAILED);
	free(the_call(s));
	assert_int_equal(jobs.count, 0);
}

static void test_sacct_needs_ids(void **state)
{
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	(void)state;
	assert_int_equal(slurm_sacct(NULL, 0, 0, 10, &jobs, &err), SLURM_FAILED);
	assert_non_null(strstr(err.text, "no job ids"));
}

static void test_scontrol_one_call(void **state)
{
	static const uint32_t ids[] = { 223, 222 };
	struct shims *s = *state;
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };

	give_fixture_as_us(s, "scontrol", "scontrol-22.05.txt", "(1001)");
	assert_int_equal(slurm_scontrol_jobs(ids, 2, 10, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 11);
	assert_call(s, "scontrol [-o] [show] [job] TF=%s BL=0 OFF=\n");
	slurm_jobs_free(&jobs);
	give_fixture(s, "scontrol", "scontrol-22.05.txt");   /* another user's jobs */
	assert_int_equal(slurm_scontrol_jobs(ids, 2, 10, &jobs, &err), SLURM_OK);
	assert_int_equal(jobs.count, 0);
	slurm_jobs_free(&jobs);
}

static void test_scancel_one_call(void **state)
{
	static const uint32_t ids[] = { 223, 231, 232 };
	struct shims *s = *state;
	struct error err = { 0 };

	assert_int_equal(slurm_scancel(ids, 3, 10, &err), SLURM_OK);
	assert_call(s, "scancel [223] [231] [232] TF= BL= OFF=\n");
	give(s, "scancel", "err",
	     "scancel: error: Kill job error on job id 231: Job/step already completing or "
	     "completed\n");
	give(s, "scancel", "rc", "1");
	assert_int_equal(slurm_scancel(ids, 3, 10, &err), SLURM_OK);
	free(the_call(s));
	give(s, "scancel", "err", "scancel: error: Unable to contact slurm controller\n");
	assert_int_equal(slurm_scancel(ids, 3, 10, &err), SLURM_FAILED);
	assert_non_null(strstr(err.text, "scancel failed (exited with status 1)"));
	free(the_call(s));
	assert_int_equal(slurm_scancel(NULL, 0, 10, &err), SLURM_OK);
}

/* A stage's queued tasks cancelled in one scancel: one JOB_[T,...] per
 * array job, sorted, each task once, however many tasks. */
static void test_scancel_array_tasks_one_call(void **state)
{
	static const struct slurm_array_task tasks[] = {
		{ 8000002, 9 }, { 8000001, 5 }, { 8000002, 1 }, { 8000001, 1 }, { 8000002, 9 },
	};
	struct shims *s = *state;
	struct error err = { 0 };
	size_t n_args;
	char **args = slurm_array_task_args(tasks, 5, &n_args);

	assert_int_equal(n_args, 2);
	assert_string_equal(args[0], "8000001_[1,5]");
	assert_string_equal(args[1], "8000002_[1,9]");
	free(args[0]);
	free(args[1]);
	free(args);
	assert_int_equal(slurm_scancel_array_tasks(tasks, 5, 10, &err), SLURM_OK);
	assert_call(s, "scancel [8000001_[1,5]] [8000002_[1,9]] TF= BL= OFF=\n");
	assert_int_equal(slurm_scancel_array_tasks(tasks, 0, 10, &err), SLURM_OK);
}

static void test_missing_command(void **state)
{
	static const uint32_t ids[] = { 1 };
	struct shims *s = *state;
	struct slurm_jobs jobs = { 0 };
	struct error err = { 0 };
	char *empty = tmpdir_create();

	(void)s;
	setenv("PATH", empty, 1);
	assert_int_equal(slurm_squeue(ids, 1, 10, &jobs, &err), SLURM_FAILED);
	assert_string_equal(err.text,
			    "cannot run squeue: No such file or directory (not found on PATH)");
	setenv("PATH", s->old_path, 1);
	tmpdir_remove(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sbatch_submits_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sbatch_failure_names_the_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sbatch_timeout_warns_of_a_possible_job, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_squeue_one_call_for_all_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_squeue_without_ids_lists_my_jobs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_squeue_gone_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_squeue_controller_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sacct_one_call_for_all_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sacct_without_accounting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sacct_needs_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scontrol_one_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scancel_one_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scancel_array_tasks_one_call, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_command, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
