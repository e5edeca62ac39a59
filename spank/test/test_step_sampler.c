/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory sampler under the plugin's rules, through the recorder, on a
 * fake cgroup (a scratch directory holding cgroup v2 files): its samples
 * come between the start and the end, are written as the job user, never
 * through a symlink or into a directory the user cannot write; a full disk
 * loses samples, not lines. As root where it drops to another user or
 * mounts a filesystem; those tests skip otherwise. The sampler's life (an
 * end in the middle of a sample, its cgroup or slurmstepd gone):
 * test_sampler_life.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <jansson.h>

#include "plugin_config.h"
#include "plugin_log.h"
#include "spank_stubs.h"
#include "step_event_parse.h"
#include "step_recorder.h"
#include "step_sampler.h"
#include "test/tmpdir.h"
#include "sampler_support.h"

#define NOBODY 65534
#define INTERVAL_MS 20
#define EVENT_FILE "events/101.batch.0.jsonl"

struct fixture {
	char *root;
	char *cgroup;
	struct plugin_config config;
	struct step_recorder recorder;
	char env_run_dir[4200];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	fx->root = tmpdir_create();
	fx->cgroup = fake_cgroup("100\n", "1000\n");
	plugin_config_defaults(&fx->config);
	fx->config.sample_ms = INTERVAL_MS;   /* below sample='s 1 s: the tests' own */
	plugin_log_set_level(PLUGIN_LOG_VERBOSE);
	fake_spank_reset();
	fake.job_id = 101;
	fake.step_id = STEP_ID_BATCH;
	fake.uid = getuid();
	fake.gid = getgid();
	step_recorder_sample_cgroup_for_tests = fx->cgroup;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char *self = tmpdir_read("/proc/self", "cgroup");
	bool in_a_step = self && strstr(self, "/step_");
	free(self);
	if (in_a_step) {
		fprintf(stderr, "# this test runs inside a Slurm step: its cgroup would be found\n");
		skip();
	}
	step_recorder_sample_cgroup_for_tests = NULL;
	tmpdir_remove(fx->cgroup);
	tmpdir_remove(fx->root);
	free(fx);
	return 0;
}

static bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	fprintf(stderr, "# this test needs root (it drops to uid %d or mounts a tmpfs)\n", NOBODY);
	return false;
}

/* Starts a recorded step writing to run_dir (as fake.uid). */
static void step_begins(struct fixture *fx, const char *run_dir)
{
	snprintf(fx->env_run_dir, sizeof(fx->env_run_dir), "SCALABLE_RUN_DIR=%s", run_dir);
	fake.env[0] = fx->env_run_dir;
	step_recorder_begin(&fx->recorder, &fx->config, NULL, "");
	step_recorder_task_started(&fx->recorder, NULL);
	assert_true(fx->recorder.sampler.pid > 0);
}

static void step_ends(struct fixture *fx)
{
	step_recorder_task_exited(&fx->recorder, NULL);
	step_recorder_end(&fx->recorder);
	assert_int_equal(fx->recorder.sampler.pid, 0);
}

struct attempts { const struct step_sampler *s; unsigned at_least; };

static bool attempted(void *arg)
{
	const struct attempts *a = arg;
	return step_sampler_attempts(a->s) >= a->at_least;
}

static void wait_attempts(struct fixture *fx, unsigned n)
{
	struct attempts a = { &fx->recorder.sampler, n };
	assert_true(eventually(attempted, &a));
}

/* Reads the event file's lines; each must parse as a step event. */
static int read_events(const char *run_dir, struct step_event_fields *f, json_t **json, int max)
{
	char *text = tmpdir_read(run_dir, EVENT_FILE);
	int n = 0;
	for (char *line = text; line && *line && n < max;) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);   /* no torn line */
		*nl = '\0';
		assert_int_equal(step_event_parse_line(line, &f[n], &json[n]), 0);
		n++;
		line = nl + 1;
	}
	free(text);
	return n;
}

static void free_events(json_t **json, int n)
{
	for (int i = 0; i < n; i++)
		json_decref(json[i]);
}

/* 85 %, then 95 %: a sample for 80 and one for 90 (repeats above 90 may
 * follow), all between the start and the end, with the cgroup's numbers. */
static void samples_come_between_start_and_end(void **state)
{
	struct fixture *fx = *state;
	set_file(fx->cgroup, "memory.current", "850\n");
	step_begins(fx, fx->root);
	wait_attempts(fx, 1);
	set_file(fx->cgroup, "memory.current", "950\n");
	wait_attempts(fx, 2);
	step_ends(fx);
	struct step_event_fields f[64];
	json_t *json[64];
	int n = read_events(fx->root, f, json, 64);
	assert_true(n >= 4);
	assert_string_equal(f[0].event, "start");
	assert_string_equal(f[n - 1].event, "end");
	for (int i = 1; i < n - 1; i++)
		assert_string_equal(f[i].event, "sample");
	assert_string_equal(f[1].threshold, "80");
	assert_int_equal(f[1].current_bytes.value, 850);
	assert_int_equal(f[1].limit_bytes.value, 1000);
	assert_true(f[1].percent.value == 85.0);
	assert_int_equal(f[1].max_count.value, 2);
	assert_false(f[1].peak_bytes.set);   /* no memory.peak in this cgroup */
	assert_int_equal(f[1].job_id, 101);
	assert_string_equal(f[1].step_name, "batch");
	assert_string_equal(f[2].threshold, "90");
	assert_int_equal(f[2].current_bytes.value, 950);
	for (int i = 3; i < n - 1; i++)
		assert_string_equal(f[i].threshold, "above_90");
	assert_int_equal(fx->recorder.sampler.failed, 0);
	assert_int_equal(fx->recorder.sampler.delivered, (unsigned)(n - 2));
	free_events(json, n);
}

/* Off by default, and never for the extern step. */
static void no_sampler_when_off_or_extern(void **state)
{
	struct fixture *fx = *state;
	snprintf(fx->env_run_dir, sizeof(fx->env_run_dir), "SCALABLE_RUN_DIR=%s", fx->root);
	fake.env[0] = fx->env_run_dir;
	fx->config.sample_ms = 0;
	step_recorder_begin(&fx->recorder, &fx->config, NULL, "");
	step_recorder_task_started(&fx->recorder, NULL);
	assert_int_equal(fx->recorder.sampler.pid, 0);
	step_recorder_end(&fx->recorder);
	fx->config.sample_ms = INTERVAL_MS;
	fake.step_id = STEP_ID_EXTERN;
	step_recorder_begin(&fx->recorder, &fx->config, NULL, "");
	step_recorder_task_started(&fx->recorder, NULL);
	assert_int_equal(fx->recorder.sampler.pid, 0);
	step_recorder_end(&fx->recorder);
}

/* A step whose memory cgroup cannot be found (here: this test is in no
 * Slurm step) is recorded without samples, and says so once. */
static void no_cgroup_no_sampler_and_a_word(void **state)
{
	struct fixture *fx = *state;
	char *self = tmpdir_read("/proc/self", "cgroup");
	bool in_a_step = self && strstr(self, "/step_");
	free(self);
	if (in_a_step) {
		fprintf(stderr, "# this test runs inside a Slurm step: its cgroup would be found\n");
		skip();
	}
	step_recorder_sample_cgroup_for_tests = NULL;
	snprintf(fx->env_run_dir, sizeof(fx->env_run_dir), "SCALABLE_RUN_DIR=%s", fx->root);
	fake.env[0] = fx->env_run_dir;
	step_recorder_begin(&fx->recorder, &fx->config, NULL, "");
	step_recorder_task_started(&fx->recorder, NULL);
	assert_int_equal(fx->recorder.sampler.pid, 0);
	assert_non_null(strstr(fake.last_verbose, "memory cgroup was not found"));
	step_recorder_end(&fx->recorder);
	assert_int_equal(tmpdir_count_lines(fx->root, EVENT_FILE), 2);
}

/* A run directory the job user owns. */
static char *user_run_dir(const char *root)
{
	char *run;
	assert_true(asprintf(&run, "%s/run", root) > 0);
	assert_int_equal(mkdir(run, 0755), 0);
	assert_int_equal(chown(run, NOBODY, NOBODY), 0);
	return run;
}

static uid_t owner(const char *path)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	return st.st_uid;
}

static void samples_are_written_as_the_job_user(void **state)
{
	struct fixture *fx = *state;
	if (!need_root())
		skip();
	fake.uid = fake.gid = NOBODY;
	char *run = user_run_dir(fx->root);
	set_file(fx->cgroup, "memory.current", "999\n");
	step_begins(fx, run);
	wait_attempts(fx, 1);
	step_ends(fx);
	assert_true(fx->recorder.sampler.delivered >= 1);
	assert_int_equal(fx->recorder.sampler.failed, 0);
	char *file;
	assert_true(asprintf(&file, "%s/%s", run, EVENT_FILE) > 0);
	assert_int_equal(owner(file), NOBODY);
	struct step_event_fields f[64];
	json_t *json[64];
	int n = read_events(run, f, json, 64);
	assert_string_equal(f[1].event, "sample");
	assert_string_equal(f[1].threshold, "90");
	free_events(json, n);
	free(file);
	free(run);
}

/* Samples tried and refused where the user could not write: nothing lands
 * in the root-owned place, and the end comes as always. */
static void refused_like_the_user(struct fixture *fx, const char *run_dir, const char *victim)
{
	fake.uid = fake.gid = NOBODY;
	set_file(fx->cgroup, "memory.current", "999\n");
	step_begins(fx, run_dir);
	wait_attempts(fx, 2);
	step_ends(fx);
	assert_int_equal(fx->recorder.sampler.delivered, 0);
	assert_true(fx->recorder.sampler.failed >= 2);
	assert_int_equal(tmpdir_count_lines(victim, EVENT_FILE), -1);
	assert_int_equal(tmpdir_count_lines(victim, "events"), -1);
}

static void symlinked_run_dir_gets_no_samples(void **state)
{
	struct fixture *fx = *state;
	if (!need_root())
		skip();
	char *target, *link;
	assert_true(asprintf(&target, "%s/rootonly", fx->root) > 0);
	assert_true(asprintf(&link, "%s/link", fx->root) > 0);
	assert_int_equal(mkdir(target, 0755), 0);
	assert_int_equal(symlink(target, link), 0);
	refused_like_the_user(fx, link, target);
	free(link);
	free(target);
}

static void unwritable_run_dir_gets_no_samples(void **state)
{
	struct fixture *fx = *state;
	if (!need_root())
		skip();
	char *run;
	assert_true(asprintf(&run, "%s/rootonly", fx->root) > 0);
	assert_int_equal(mkdir(run, 0755), 0);   /* root's: nobody cannot write */
	refused_like_the_user(fx, run, run);
	free(run);
}

/* A full disk: every sample is tried and lost whole, nothing half-written
 * is left, and the end comes as always. (Filled before the start: a file's
 * last page may still take a few lines after the disk is full.) */
static void a_full_disk_loses_samples_not_lines(void **state)
{
	struct fixture *fx = *state;
	if (!need_root())
		skip();
	char *mnt;
	assert_true(asprintf(&mnt, "%s/full", fx->root) > 0);
	assert_int_equal(mkdir(mnt, 0755), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k,mode=0755") != 0) {
		fprintf(stderr, "# cannot mount a tmpfs here: %s\n", strerror(errno));
		free(mnt);
		skip();
	}
	assert_int_equal(chown(mnt, NOBODY, NOBODY), 0);
	char *filler;
	assert_true(asprintf(&filler, "%s/filler", mnt) > 0);
	int fd = open(filler, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	static const char block[4096];
	while (write(fd, block, sizeof(block)) > 0)
		;
	assert_int_equal(errno, ENOSPC);
	close(fd);
	fake.uid = fake.gid = NOBODY;
	set_file(fx->cgroup, "memory.current", "999\n");
	step_begins(fx, mnt);
	wait_attempts(fx, 2);
	step_ends(fx);
	assert_int_equal(fx->recorder.sampler.delivered, 0);
	assert_true(fx->recorder.sampler.failed >= 2);
	char *text = tmpdir_read(mnt, EVENT_FILE);
	assert_true(text == NULL || text[0] == '\0');
	free(text);
	assert_int_equal(umount(mnt), 0);
	free(filler);
	free(mnt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(samples_come_between_start_and_end, setup, teardown),
		cmocka_unit_test_setup_teardown(no_sampler_when_off_or_extern, setup, teardown),
		cmocka_unit_test_setup_teardown(no_cgroup_no_sampler_and_a_word, setup, teardown),
		cmocka_unit_test_setup_teardown(samples_are_written_as_the_job_user, setup, teardown),
		cmocka_unit_test_setup_teardown(symlinked_run_dir_gets_no_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(unwritable_run_dir_gets_no_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_disk_loses_samples_not_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
