/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for sbatch command lines: the whole argv, in its order, of a
 * wave's chunk and of a detached run's sweeper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/util/string_vec.h"
#include "plan/sbatch_command.h"

/* argv is exactly expect (NULL-terminated both). */
static void assert_argv(char **argv, const char *const *expect)
{
	size_t i = 0;

	assert_non_null(argv);
	for (; expect[i]; i++) {
		assert_non_null(argv[i]);
		assert_string_equal(argv[i], expect[i]);
	}
	assert_null(argv[i]);
}

static void a_chunk(void **state)
{
	static char *const extra[] = { "--constraint=fast", "--gres=gpu:1" };
	const struct sbatch_command cmd = {
		.job_name = "sweep.model.w002.1000.0a1b2c3d",
		.comment = "scalable:run-x:w002/model/1000",
		.array = "0-9,12%5",
		.output = "/runs/x/logs/slurm-%A_%a.out",
		.cpus_per_task = 2, .mem = "3072M", .time = "0-02:00:00",
		.partition = "batch", .account = "acct", .qos = "low",
		.delayed = true, .begin_delay_s = 120,
		.exclude = "n1,n3",
		.extra = extra, .n_extra = 2,
		.script = "/runs/x/scripts/w002/model.sh",
	};
	static const char *const expect[] = {
		"sbatch", "--parsable", "--job-name=sweep.model.w002.1000.0a1b2c3d",
		"--comment=scalable:run-x:w002/model/1000", "--array=0-9,12%5",
		"--output=/runs/x/logs/slurm-%A_%a.out", "--export=ALL", "--cpus-per-task=2",
		"--mem=3072M", "--time=0-02:00:00", "--partition=batch", "--account=acct",
		"--qos=low", "--no-requeue", "--begin=now+120", "--exclude=n1,n3",
		"--constraint=fast", "--gres=gpu:1", "/runs/x/scripts/w002/model.sh", NULL,
	};
	char **argv = sbatch_command_argv(&cmd);

	(void)state;
	assert_argv(argv, expect);
	string_vec_free(argv);
}

static void a_chunk_with_nothing_optional(void **state)
{
	const struct sbatch_command cmd = {
		.job_name = "p.a.w001.0.run-test", .comment = "scalable:run-test:w001/a/0",
		.array = "0-2", .output = "/r/logs/slurm-%A_%a.out", .cpus_per_task = 1,
		.requeue = true, .script = "/r/a.sh",
	};
	static const char *const expect[] = {
		"sbatch", "--parsable", "--job-name=p.a.w001.0.run-test",
		"--comment=scalable:run-test:w001/a/0", "--array=0-2",
		"--output=/r/logs/slurm-%A_%a.out", "--export=ALL", "--cpus-per-task=1",
		"--requeue", "/r/a.sh", NULL,
	};
	char **argv = sbatch_command_argv(&cmd);

	(void)state;
	assert_argv(argv, expect);
	string_vec_free(argv);
}

/* A sweeper as sweeper_chain.c describes one. */
static struct sbatch_command sweeper(const uint32_t *after, size_t n_after)
{
	return (struct sbatch_command){
		.job_name = "p.sweeper.0badcafe", .comment = "scalable:run-x:sweeper",
		.output = "/r/logs/sweeper-%j.out", .ntasks = 1, .cpus_per_task = 1,
		.mem = "512M", .time = "00:15:00", .partition = "low", .requeue = true,
		.after = after, .n_after = n_after, .delayed = n_after == 0,
		.begin_delay_s = 30, .wrap = "exec /opt/bin/scalable sweep '/r'",
	};
}

static void a_sweeper_after_jobs(void **state)
{
	static const uint32_t after[] = { 5, 7 };
	const struct sbatch_command cmd = sweeper(after, 2);
	static const char *const expect[] = {
		"sbatch", "--parsable", "--job-name=p.sweeper.0badcafe",
		"--comment=scalable:run-x:sweeper", "--output=/r/logs/sweeper-%j.out",
		"--export=ALL", "--ntasks=1", "--cpus-per-task=1", "--mem=512M",
		"--time=00:15:00", "--partition=low", "--requeue", "--dependency=afterany:5:7",
		"--kill-on-invalid-dep=no", "--wrap=exec /opt/bin/scalable sweep '/r'", NULL,
	};
	char **argv = sbatch_command_argv(&cmd);

	(void)state;
	assert_argv(argv, expect);
	string_vec_free(argv);
}

static void a_sweeper_after_a_delay(void **state)
{
	const struct sbatch_command cmd = sweeper(NULL, 0);
	static const char *const expect[] = {
		"sbatch", "--parsable", "--job-name=p.sweeper.0badcafe",
		"--comment=scalable:run-x:sweeper", "--output=/r/logs/sweeper-%j.out",
		"--export=ALL", "--ntasks=1", "--cpus-per-task=1", "--mem=512M",
		"--time=00:15:00", "--partition=low", "--requeue", "--begin=now+30",
		"--wrap=exec /opt/bin/scalable sweep '/r'", NULL,
	};
	char **argv = sbatch_command_argv(&cmd);

	(void)state;
	assert_argv(argv, expect);
	string_vec_free(argv);
}

/* A later stage's chunk: index i waits for index i of each upstream array. */
static void a_stage_after_its_upstreams(void **state)
{
	static const uint32_t upstream[] = { 8000001, 8000002 };
	const struct sbatch_command cmd = {
		.job_name = "p.post.w001.0.run-x", .comment = "scalable:run-x:w001/post/0",
		.array = "0-199", .output = "/r/logs/slurm-%A_%a.out", .cpus_per_task = 1,
		.after_corr = upstream, .n_after_corr = 2, .script = "/r/post.sh",
	};
	static const char *const expect[] = {
		"sbatch", "--parsable", "--job-name=p.post.w001.0.run-x",
		"--comment=scalable:run-x:w001/post/0", "--array=0-199",
		"--output=/r/logs/slurm-%A_%a.out", "--export=ALL", "--cpus-per-task=1",
		"--no-requeue", "--dependency=aftercorr:8000001:8000002",
		"--kill-on-invalid-dep=no", "/r/post.sh", NULL,
	};
	static const uint32_t sweeper_after[] = { 5 };
	struct sbatch_command both = cmd;
	static const char *const expect_both[] = {
		"sbatch", "--parsable", "--job-name=p.post.w001.0.run-x",
		"--comment=scalable:run-x:w001/post/0", "--array=0-199",
		"--output=/r/logs/slurm-%A_%a.out", "--export=ALL", "--cpus-per-task=1",
		"--no-requeue", "--dependency=afterany:5,aftercorr:8000001:8000002",
		"--kill-on-invalid-dep=no", "/r/post.sh", NULL,
	};
	char **argv = sbatch_command_argv(&cmd);

	(void)state;
	assert_argv(argv, expect);
	string_vec_free(argv);
	both.after = sweeper_after;
	both.n_after = 1;
	argv = sbatch_command_argv(&both);
	assert_argv(argv, expect_both);
	string_vec_free(argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_stage_after_its_upstreams),
		cmocka_unit_test(a_chunk),
		cmocka_unit_test(a_chunk_with_nothing_optional),
		cmocka_unit_test(a_sweeper_after_jobs),
		cmocka_unit_test(a_sweeper_after_a_delay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
