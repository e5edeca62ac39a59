/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a wave's scripts and tasks files are written (wave_files.c): sbatch
 * runs them, so scripts/<wave>/ must be a directory of ours that nobody
 * else can write, and a file is created new through its temp name, never
 * through a symlink planted there. */
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/exit_codes.h"
#include "testing/orch_helpers.h"
#include "plan/plan.h"
#include "plan/wave_script.h"
#include "test/tmpdir.h"

static const char yaml[] =
	"version: 1\n"
	"project: files\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model: {command: \"echo hi\"}\n"
	"scenarios:\n"
	"  list:\n"
	"    - {text: plain}\n";

struct fixture {
	char *dir, *run_dir, *wave_dir;
	struct config *config;
	struct plan *plan;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const struct plan_task tasks[] = { { 0, 1 } };
	struct plan_request req = { .tasks = tasks, .n_tasks = 1, .resources = { .cpus = 1 } };
	struct plan_options o = { .run_id = "run-t", .wave = "w001", .max_array_size = 10 };
	struct error err;

	umask(022);
	f->dir = tmpdir_create();
	f->config = load_config_text(f->dir, yaml);
	assert_true(asprintf(&f->run_dir, "%s/run", f->dir) > 0);
	assert_true(asprintf(&f->wave_dir, "%s/scripts/w001", f->run_dir) > 0);
	o.run_dir = f->run_dir;
	o.target = config_target(f->config, NULL);
	req.component = &f->config->components[0];
	assert_int_equal(plan_wave(f->config, &o, &req, 1, &f->plan, &err), 0);
	tmpdir_write(f->wave_dir, ".keep", "");   /* scripts/w001/ made 0755 */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	plan_free(f->plan);
	config_free(f->config);
	tmpdir_remove(f->dir);
	free(f->run_dir);
	free(f->wave_dir);
	free(f);
	return 0;
}

static void files_are_written_with_their_modes(void **state)
{
	struct fixture *f = *state;
	struct error err;
	struct stat st;

	if (plan_write_scripts(f->plan, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(stat(f->plan->groups[0].script_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(stat(f->plan->groups[0].chunks[0].tasks_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
}

/* A symlink at the script's temp name: removed, its target untouched. */
static void a_symlink_at_the_temp_name_is_not_followed(void **state)
{
	struct fixture *f = *state;
	char *tmp, *victim, *text;
	struct error err;

	tmpdir_write(f->dir, "victim", "keep me\n");
	assert_true(asprintf(&tmp, "%s.tmp", f->plan->groups[0].script_path) > 0);
	assert_true(asprintf(&victim, "%s/victim", f->dir) > 0);
	assert_int_equal(symlink(victim, tmp), 0);
	if (plan_write_scripts(f->plan, &err) != 0)
		fail_msg("%s", err.text);
	text = tmpdir_read(f->dir, "victim");
	assert_string_equal(text, "keep me\n");
	assert_int_equal(access(tmp, F_OK), -1);
	free(text);
	free(victim);
	free(tmp);
}

static void a_wave_dir_others_can_write_is_refused(void **state)
{
	struct fixture *f = *state;
	struct error err;

	assert_int_equal(chmod(f->wave_dir, 0777), 0);
	assert_int_equal(plan_write_scripts(f->plan, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_SYSTEM);
	assert_non_null(strstr(err.text, "refusing to write job scripts into"));
	assert_int_equal(access(f->plan->groups[0].script_path, F_OK), -1);
	assert_int_equal(chmod(f->wave_dir, 0775), 0);        /* group-writable too */
	assert_int_equal(plan_write_scripts(f->plan, &err), -1);
}

static void a_wave_dir_of_another_user_is_refused(void **state)
{
	struct fixture *f = *state;
	struct passwd *nobody = getpwnam("nobody");
	struct error err;

	if (geteuid() != 0 || !nobody) {
		print_message("skipped: needs root and a user 'nobody'\n");
		skip();
	}
	assert_int_equal(chown(f->wave_dir, nobody->pw_uid, nobody->pw_gid), 0);
	assert_int_equal(plan_write_scripts(f->plan, &err), -1);
	assert_non_null(strstr(err.text, "directory of yours"));
	assert_int_equal(access(f->plan->groups[0].script_path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(files_are_written_with_their_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(a_symlink_at_the_temp_name_is_not_followed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_wave_dir_others_can_write_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_wave_dir_of_another_user_is_refused, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
