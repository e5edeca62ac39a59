/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run directories: naming, creation, the lock (a second orchestrator is
 * turned away with the holder's pid and host and exit code 4), finding a
 * run by id, prefix, suffix, path or as the latest, and listing. */
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/exit_codes.h"
#include "rundir/run_dir.h"
#include "rundir/run_lock.h"
#include "test/tmpdir.h"

static void names_have_the_contract_shape(void **state)
{
	char id[RUN_ID_MAX];

	(void)state;
	/* 2026-11-27T20:41:24Z */
	assert_int_equal(run_id_format("energy", 1795812084, 0x1a2b3c4d, id, sizeof id), 0);
	assert_string_equal(id, "run-20261127T204124Z-energy-1a2b3c4d");
	assert_true(run_id_valid(id));
	assert_int_equal(run_id_format("my project/../x", 0, 7, id, sizeof id), 0);
	assert_string_equal(id, "run-19700101T000000Z-my_project_.._x-00000007");
	assert_true(run_id_valid(id));
	assert_false(run_id_valid("run-2026-energy-1a2b3c4d"));
	assert_false(run_id_valid("notes.txt"));
}

static void project_names_are_made_safe_for_a_path(void **state)
{
	char name[RUN_PROJECT_MAX + 1], longer[200];

	(void)state;
	run_project_for_path("..hidden", name, sizeof name);
	assert_string_equal(name, "hidden");
	run_project_for_path("", name, sizeof name);
	assert_string_equal(name, "project");
	run_project_for_path("a b\tc$(x)", name, sizeof name);
	assert_string_equal(name, "a_b_c__x_");
	memset(longer, 'p', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	run_project_for_path(longer, name, sizeof name);
	assert_int_equal(strlen(name), RUN_PROJECT_MAX);
}

static void create_makes_the_layout(void **state)
{
	char *dir = tmpdir_create(), *root, path[4096];
	struct run_dir *run;
	struct error err;
	struct stat st;

	(void)state;
	assert_true(asprintf(&root, "%s/nested/runs", dir) > 0);
	assert_int_equal(run_dir_create(root, "energy demand", "run", &run, &err), 0);
	assert_true(run_id_valid(run->id));
	assert_non_null(strstr(run->id, "-energy_demand-"));
	assert_true(run->lock_fd >= 0);
	for (const char *const *sub = (const char *const[]){ "events", "scripts", "logs", NULL };
	     *sub; sub++) {
		snprintf(path, sizeof path, "%s/%s", run->path, *sub);
		assert_int_equal(stat(path, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
	}
	snprintf(path, sizeof path, "%s/events", run->path);
	stat(path, &st);
	assert_int_equal(st.st_mode & 0700, 0700);
	run_dir_free(run);
	free(root);
	tmpdir_remove(dir);
}

static void a_second_lock_is_refused_with_the_holder(void **state)
{
	char *dir = tmpdir_create(), host[256] = "";
	struct run_dir *run, *again;
	struct run_lock_holder holder;
	struct error err;
	char pid[32];

	(void)state;
	assert_int_equal(run_dir_create(dir, "p", "run", &run, &err), 0);
	assert_int_equal(run_lock_read_holder(run->path, &holder), 0);
	assert_int_equal(holder.pid, getpid());
	assert_string_equal(holder.command, "run");
	assert_int_equal(run_dir_find(dir, run->id, &again, &err), 0);
	assert_int_equal(run_dir_lock(again, "watch", &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_LOCKED);
	snprintf(pid, sizeof pid, "pid %ld", (long)getpid());
	gethostname(host, sizeof host - 1);
	assert_non_null(strstr(err.text, pid));
	assert_non_null(strstr(err.text, host));
	assert_non_null(strstr(err.text, "in use by another orchestrator"));
	assert_non_null(strstr(err.text, "scalable run"));
	/* once the holder lets go, the next one gets it */
	run_dir_free(run);
	assert_int_equal(run_dir_lock(again, "watch", &err), 0);
	assert_int_equal(run_lock_read_holder(again->path, &holder), 0);
	assert_string_equal(holder.command, "watch");
	run_dir_free(again);
	tmpdir_remove(dir);
}

/* Tries the lock in a child, which reports on the pipe ('L' locked out,
 * 'G' got it) and then holds whatever it has until killed: SIGKILL, so no
 * exit handler (valgrind's either) runs in the child. */
static pid_t try_lock_in_child(const char *run_path, int report)
{
	pid_t child = fork();

	if (child == 0) {
		struct error err;
		int fd = run_lock_take(run_path, "watch", &err);
		char what = fd >= 0 ? 'G' : err.exit_code == SCALABLE_EXIT_LOCKED ? 'L' : 'E';

		(void)!write(report, &what, 1);
		for (;;)
			pause();
	}
	return child;
}

static char child_says(int report_read)
{
	char what = '?';

	assert_int_equal(read(report_read, &what, 1), 1);
	return what;
}

static void stop_child(pid_t child)
{
	int status;

	kill(child, SIGKILL);
	waitpid(child, &status, 0);
}

/* The lock holds against another process, and dies with its holder. */
static void the_lock_holds_across_processes(void **state)
{
	char *dir = tmpdir_create();
	struct run_dir *run;
	struct error err;
	int report[2];
	pid_t child;

	(void)state;
	assert_int_equal(run_dir_create(dir, "p", "run", &run, &err), 0);
	assert_int_equal(pipe(report), 0);
	child = try_lock_in_child(run->path, report[1]);
	assert_int_equal(child_says(report[0]), 'L');
	stop_child(child);
	run_lock_release(run->lock_fd);
	run->lock_fd = -1;
	child = try_lock_in_child(run->path, report[1]);
	assert_int_equal(child_says(report[0]), 'G');
	assert_int_equal(run_dir_lock(run, "run", &err), -1);
	stop_child(child);  /* the kernel drops a dead holder's lock */
	assert_int_equal(run_dir_lock(run, "run", &err), 0);
	close(report[0]);
	close(report[1]);
	run_dir_free(run);
	tmpdir_remove(dir);
}

static void make_run(const char *root, const char *id)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", root, id);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void runs_are_found_and_listed(void **state)
{
	char *root = tmpdir_create(), *cwd_path;
	struct run_dir *run;
	struct run_list list;
	struct error err;

	(void)state;
	make_run(root, "run-20260102T000000Z-b-bbbbbbbb");
	make_run(root, "run-20260101T000000Z-a-aaaaaaaa");
	make_run(root, "run-20260103T000000Z-a-cccccccc");
	make_run(root, "not-a-run");
	assert_int_equal(run_dir_list(root, &list, &err), 0);
	assert_int_equal(list.count, 3);
	assert_string_equal(list.ids[0], "run-20260101T000000Z-a-aaaaaaaa");
	assert_string_equal(list.ids[2], "run-20260103T000000Z-a-cccccccc");
	run_list_free(&list);

	assert_int_equal(run_dir_latest(root, &run, &err), 0);
	assert_string_equal(run->id, "run-20260103T000000Z-a-cccccccc");
	assert_int_equal(run->lock_fd, -1);
	run_dir_free(run);
	assert_int_equal(run_dir_find(root, "bbbbbbbb", &run, &err), 0);
	assert_string_equal(run->id, "run-20260102T000000Z-b-bbbbbbbb");
	run_dir_free(run);
	assert_int_equal(run_dir_find(root, "run-20260101", &run, &err), 0);
	assert_string_equal(run->id, "run-20260101T000000Z-a-aaaaaaaa");
	run_dir_free(run);
	assert_int_equal(run_dir_find(root, "run-2026", &run, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	assert_non_null(strstr(err.text, "names 3 runs"));
	assert_int_equal(run_dir_find(root, "deadbeef", &run, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_NOT_FOUND);
	assert_true(asprintf(&cwd_path, "%s/run-20260102T000000Z-b-bbbbbbbb", root) > 0);
	assert_int_equal(run_dir_find("/elsewhere", cwd_path, &run, &err), 0);
	assert_string_equal(run->id, "run-20260102T000000Z-b-bbbbbbbb");
	assert_string_equal(run->path, cwd_path);
	run_dir_free(run);
	free(cwd_path);
	tmpdir_remove(root);
}

/* A run directory with a run.json started at started_at. */
static void make_started_run(const char *root, const char *id, const char *started_at)
{
	char path[4096];
	FILE *file;

	make_run(root, id);
	snprintf(path, sizeof path, "%s/%s/run.json", root, id);
	file = fopen(path, "w");
	assert_non_null(file);
	fprintf(file, "{\"run_id\": \"%s\", \"project_name\": \"p\", \"target_name\": \"local\", "
		"\"provider_name\": \"local\", \"manifest_lock\": \"0\", "
		"\"source_manifest_path\": \"/s.yaml\", \"started_at\": \"%s\", "
		"\"finished_at\": null, \"status\": \"running\", \"summary\": null}\n",
		id, started_at);
	assert_int_equal(fclose(file), 0);
}

/* Runs of one second: started_at's milliseconds order them, not the
 * random suffix; one without run.json counts as the first of its second. */
static void runs_of_one_second_in_start_order(void **state)
{
	char *root = tmpdir_create();
	struct run_dir *run;
	struct run_list list;
	struct error err;

	(void)state;
	make_started_run(root, "run-20260101T000000Z-p-ffffffff", "2026-01-01T00:00:00.100Z");
	make_started_run(root, "run-20260101T000000Z-p-00000000", "2026-01-01T00:00:00.900Z");
	make_started_run(root, "run-20260101T000000Z-p-77777777", "2026-01-01T00:00:00.500Z");
	make_run(root, "run-20260101T000000Z-p-eeeeeeee");
	make_started_run(root, "run-20251231T235959Z-p-99999999", "2025-12-31T23:59:59.999Z");
	assert_int_equal(run_dir_list(root, &list, &err), 0);
	assert_int_equal(list.count, 5);
	assert_string_equal(list.ids[0], "run-20251231T235959Z-p-99999999");
	assert_string_equal(list.ids[1], "run-20260101T000000Z-p-eeeeeeee");
	assert_string_equal(list.ids[2], "run-20260101T000000Z-p-ffffffff");
	assert_string_equal(list.ids[3], "run-20260101T000000Z-p-77777777");
	assert_string_equal(list.ids[4], "run-20260101T000000Z-p-00000000");
	run_list_free(&list);
	assert_int_equal(run_dir_latest(root, &run, &err), 0);
	assert_string_equal(run->id, "run-20260101T000000Z-p-00000000");
	run_dir_free(run);
	tmpdir_remove(root);
}

static void no_runs_yet(void **state)
{
	char *root = tmpdir_create(), *missing;
	struct run_dir *run;
	struct run_list list;
	struct error err;

	(void)state;
	assert_true(asprintf(&missing, "%s/none", root) > 0);
	assert_int_equal(run_dir_list(missing, &list, &err), 0);
	assert_int_equal(list.count, 0);
	assert_int_equal(run_dir_latest(missing, &run, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_NOT_FOUND);
	free(missing);
	tmpdir_remove(root);
}

static void the_runs_dir_comes_from_the_environment(void **state)
{
	char *dir, cwd[4096], expected[4200];

	(void)state;
	setenv("SCALABLE_RUNS_DIR", "/somewhere/runs", 1);
	dir = runs_dir_default();
	assert_string_equal(dir, "/somewhere/runs");
	free(dir);
	unsetenv("SCALABLE_RUNS_DIR");
	dir = runs_dir_default();
	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(expected, sizeof expected, "%s/.scalable/runs", cwd);
	assert_string_equal(dir, expected);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_have_the_contract_shape),
		cmocka_unit_test(project_names_are_made_safe_for_a_path),
		cmocka_unit_test(create_makes_the_layout),
		cmocka_unit_test(a_second_lock_is_refused_with_the_holder),
		cmocka_unit_test(the_lock_holds_across_processes),
		cmocka_unit_test(runs_are_found_and_listed),
		cmocka_unit_test(runs_of_one_second_in_start_order),
		cmocka_unit_test(no_runs_yet),
		cmocka_unit_test(the_runs_dir_comes_from_the_environment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
