/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory sampler's life, on a fake cgroup: the step's end is held by no
 * sample being written beyond its bound (asserted by how the sampler was
 * stopped, never by a clock), the sampler and what it forked are killed and
 * reaped then, and the end line cannot be swallowed by a torn sample; the
 * sampler never outlives its cgroup or slurmstepd. */
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "plugin_config.h"
#include "plugin_log.h"
#include "spank_stubs.h"
#include "step_recorder.h"
#include "step_sampler.h"
#include "test/tmpdir.h"
#include "sampler_support.h"

#define INTERVAL_MS 20

struct fixture {
	char *root;
	char *cgroup;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	fx->root = tmpdir_create();
	fx->cgroup = fake_cgroup("100\n", "1000\n");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	tmpdir_remove(fx->cgroup);
	tmpdir_remove(fx->root);
	free(fx);
	return 0;
}

/* The sampler used directly, delivering through the test's own hands. */
struct slow_delivery { char marker[4096]; };

/* A delivery that hangs (a dead NFS server) after forking a writer of its
 * own that hangs too; the marker holds the writer's pid. */
static int hang_delivering(void *ctx, const char *line, size_t len)
{
	(void)line;
	(void)len;
	const struct slow_delivery *d = ctx;
	pid_t writer = fork();
	if (writer == 0) {
		pause();
		_exit(0);
	}
	char pid[24];
	int n = snprintf(pid, sizeof(pid), "%d\n", (int)writer);
	int fd = open(d->marker, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd >= 0) {
		(void)!write(fd, pid, (size_t)n);
		close(fd);
	}
	pause();
	return 0;
}

static int refuse_delivery(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	(void)line;
	(void)len;
	return 1;
}

static struct sampler_plan plan_for(const char *cgroup, int (*deliver)(void *, const char *, size_t),
				    void *ctx)
{
	struct sampler_plan p = { .interval_ms = INTERVAL_MS, .deliver = deliver, .ctx = ctx };
	p.cgroup.version = 2;
	snprintf(p.cgroup.dir, sizeof(p.cgroup.dir), "%s", cgroup);
	p.id = (struct step_identity){ .job_id = 7, .array_job_id = -1, .array_task_id = -1,
				       .step_id = STEP_ID_BATCH, .node = "n1", .task_id = -1,
				       .attempt = -1, .time_limit_s = -1, .mem_limit_bytes = -1 };
	p.producer = "test";
	clock_gettime(CLOCK_MONOTONIC, &p.started);
	return p;
}

static bool file_exists(void *path)
{
	return access(path, F_OK) == 0;
}

struct reaped { pid_t pid; int status; };

static bool has_been_reaped(void *arg)
{
	struct reaped *r = arg;
	return waitpid(r->pid, &r->status, WNOHANG) == r->pid;
}

static bool has_exited(void *arg)
{
	siginfo_t info = { 0 };
	return waitid(P_PID, (id_t)*(pid_t *)arg, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       info.si_pid != 0;
}

/* The step ends while a sample is being written, and the write hangs: the
 * end does not wait for it past its bound. The sampler and the writer it
 * forked are killed and reaped, and the end knows a line may be torn. */
static void a_step_ending_mid_sample_is_not_held(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);   /* to reap the orphaned writer */
	struct slow_delivery d;
	snprintf(d.marker, sizeof(d.marker), "%s/writing", fx->root);
	set_file(fx->cgroup, "memory.current", "990\n");
	struct sampler_plan plan = plan_for(fx->cgroup, hang_delivering, &d);
	struct step_sampler s;
	assert_int_equal(step_sampler_start(&s, &plan), 0);
	assert_true(eventually(file_exists, d.marker));
	pid_t sampler = s.pid;
	assert_int_equal(step_sampler_stop(&s, 0), SAMPLER_KILLED);
	assert_true(s.writing);
	assert_int_equal(s.pid, 0);
	errno = 0;
	assert_int_equal(waitpid(sampler, NULL, WNOHANG), -1);   /* reaped already */
	assert_int_equal(errno, ECHILD);
	char *text = tmpdir_read(fx->root, "writing");
	struct reaped writer = { (pid_t)atoi(text), 0 };
	free(text);
	assert_true(writer.pid > 0);
	assert_true(eventually(has_been_reaped, &writer));
	assert_true(WIFSIGNALED(writer.status) && WTERMSIG(writer.status) == SIGKILL);
}

/* The step's cgroup is removed: the sampler exits by itself. */
static void the_sampler_ends_with_its_cgroup(void **state)
{
	struct fixture *fx = *state;
	struct sampler_plan plan = plan_for(fx->cgroup, refuse_delivery, NULL);
	struct step_sampler s;
	assert_int_equal(step_sampler_start(&s, &plan), 0);
	char *current;
	assert_true(asprintf(&current, "%s/memory.current", fx->cgroup) > 0);
	assert_int_equal(unlink(current), 0);
	pid_t pid = s.pid;
	assert_true(eventually(has_exited, &pid));
	assert_int_equal(step_sampler_stop(&s, 0), SAMPLER_EXITED);
	free(current);
}

/* slurmstepd dies without stopping it: the sampler goes too. */
static void the_sampler_ends_with_slurmstepd(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);   /* the orphan becomes ours */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t stepd = fork();
	if (stepd == 0) {
		struct sampler_plan plan = plan_for(fx->cgroup, refuse_delivery, NULL);
		struct step_sampler s;
		pid_t pid = step_sampler_start(&s, &plan) == 0 ? s.pid : -1;
		(void)!write(fds[1], &pid, sizeof(pid));
		_exit(0);
	}
	close(fds[1]);
	pid_t sampler = 0;
	assert_int_equal(read(fds[0], &sampler, sizeof(sampler)), sizeof(sampler));
	close(fds[0]);
	assert_true(sampler > 0);
	assert_int_equal(waitpid(stepd, NULL, 0), stepd);
	struct reaped r = { sampler, 0 };
	assert_true(eventually(has_been_reaped, &r));
}

/* A port on loopback that listens and never accepts: a POST to it hangs. */
static int blackhole(char *url, size_t len)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t addr_len = sizeof addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &addr_len), 0);
	snprintf(url, len, "http://127.0.0.1:%u/events", ntohs(addr.sin_port));
	return fd;
}

static bool has_a_sample(void *run_dir)
{
	char *text = tmpdir_read(run_dir, "events/101.batch.0.jsonl");
	bool there = text && strstr(text, "\"event\":\"sample\"");
	free(text);
	return there;
}

/* Through the recorder: the step ends while a sample hangs on its way to a
 * collector that never answers (collector_timeout_ms 60 s). The end does
 * not wait for it: the sampler is killed at its grace within the end
 * event's budget, and the end line, which follows the sample, starts on a
 * line of its own. */
static void the_end_is_not_held_by_a_hanging_sample(void **state)
{
	struct fixture *fx = *state;
	struct plugin_config config;
	plugin_config_defaults(&config);
	config.sample_ms = INTERVAL_MS;
	config.collector_timeout_ms = 60000;
	int hole = blackhole(config.collector_url, sizeof(config.collector_url));
	plugin_log_set_level(PLUGIN_LOG_QUIET);
	fake_spank_reset();
	fake.job_id = 101;
	fake.step_id = STEP_ID_BATCH;
	fake.uid = getuid();
	fake.gid = getgid();
	char env[4200];
	snprintf(env, sizeof(env), "SCALABLE_RUN_DIR=%s", fx->root);
	fake.env[0] = env;
	step_recorder_sample_cgroup_for_tests = fx->cgroup;
	set_file(fx->cgroup, "memory.current", "990\n");
	struct step_recorder r;
	step_recorder_begin(&r, &config, NULL, "");
	step_recorder_task_started(&r, NULL);
	assert_true(r.sampler.pid > 0);
	assert_true(eventually(has_a_sample, fx->root));   /* now posting it, and hanging */
	step_recorder_end(&r);
	step_recorder_sample_cgroup_for_tests = NULL;
	assert_int_equal(r.sampler.pid, 0);
	assert_true(r.sampler.writing);   /* killed in the middle of delivering */
	assert_int_equal(r.sampler.delivered, 0);
	char *text = tmpdir_read(fx->root, "events/101.batch.0.jsonl");
	assert_non_null(text);
	char *end = strstr(text, "\"event\":\"end\"");
	assert_non_null(end);
	char *line = end;
	while (line > text && line[-1] != '\n')
		line--;
	assert_true(line - text >= 2 && line[-2] == '\n');   /* an empty line before the end */
	free(text);
	close(hole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_step_ending_mid_sample_is_not_held, setup, teardown),
		cmocka_unit_test_setup_teardown(the_end_is_not_held_by_a_hanging_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(the_sampler_ends_with_its_cgroup, setup, teardown),
		cmocka_unit_test_setup_teardown(the_sampler_ends_with_slurmstepd, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
