/* SPDX-License-Identifier: GPL-2.0-or-later */
/* interrupt.h: after interrupt_install, SIGINT, SIGTERM and SIGHUP no longer
 * end the process but are counted, the last one remembered; a sleep ends
 * early when one arrives, and goes on through other signals (SIGUSR1).
 * The sleeps are a minute long and a helper process keeps signalling until
 * the sleep returns: no verdict rests on how long anything takes. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/util/interrupt.h"

#define MINUTE_MS 60000u

static void raised_signals_are_counted(void **state)
{
	unsigned before;

	(void)state;
	interrupt_install();
	before = interrupt_count();
	assert_int_equal(raise(SIGINT), 0);
	assert_int_equal(interrupt_count(), before + 1);
	assert_int_equal(interrupt_last_signal(), SIGINT);
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(raise(SIGHUP), 0);
	assert_int_equal(interrupt_count(), before + 3);
	assert_int_equal(interrupt_last_signal(), SIGHUP);
	assert_int_equal(raise(SIGTERM), 0);
	assert_int_equal(interrupt_last_signal(), SIGTERM);
}

/* Starts a process that sends signo to us every millisecond until killed. */
static pid_t keep_signalling(int signo)
{
	pid_t parent = getpid(), pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ms = { 0, 1000000L };

		for (;;) {
			if (kill(parent, signo) != 0)
				_exit(1);
			nanosleep(&ms, NULL);
		}
	}
	return pid;
}

static void stop(pid_t pid)
{
	int status;

	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
}

static void a_signal_ends_the_sleep_early(void **state)
{
	struct timespec start, end;
	unsigned before;
	pid_t helper;

	(void)state;
	interrupt_install();
	before = interrupt_count();
	clock_gettime(CLOCK_MONOTONIC, &start);
	helper = keep_signalling(SIGHUP);
	interrupt_sleep_ms(MINUTE_MS);
	clock_gettime(CLOCK_MONOTONIC, &end);
	stop(helper);
	assert_true(interrupt_count() > before);
	assert_int_equal(interrupt_last_signal(), SIGHUP);
	/* returned on the signal, not after the minute */
	assert_true(end.tv_sec - start.tv_sec < MINUTE_MS / 1000);
}

static volatile sig_atomic_t usr1_seen;
static int ack_fd = -1;

/* Counts and tells the helper, so it knows when to switch signals. */
static void on_usr1(int signo)
{
	int saved = errno;

	(void)signo;
	usr1_seen = usr1_seen + 1;
	(void)!write(ack_fd, "!", 1);
	errno = saved;
}

/* The helper: SIGUSR1 until 50 of them were handled, then SIGTERM. */
static pid_t usr1_then_term(int acks)
{
	pid_t parent = getpid(), pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ms = { 0, 1000000L };
		char c;

		for (int got = 0; got < 50;) {
			if (kill(parent, SIGUSR1) != 0)
				_exit(1);
			nanosleep(&ms, NULL);
			while (read(acks, &c, 1) == 1)
				got++;
		}
		for (;;) {
			if (kill(parent, SIGTERM) != 0)
				_exit(1);
			nanosleep(&ms, NULL);
		}
	}
	return pid;
}

/* Other signals interrupt nanosleep too, but the sleep goes on after them:
 * it ends only once SIGTERM came, after all SIGUSR1s were handled. */
static void other_signals_do_not_end_the_sleep(void **state)
{
	struct sigaction sa, old;
	unsigned before;
	int fds[2];
	pid_t helper;

	(void)state;
	interrupt_install();
	assert_int_equal(pipe2(fds, O_NONBLOCK), 0);
	ack_fd = fds[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;  /* no SA_RESTART: nanosleep sees EINTR */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	usr1_seen = 0;
	before = interrupt_count();
	helper = usr1_then_term(fds[0]);
	interrupt_sleep_ms(MINUTE_MS);
	assert_true(usr1_seen >= 50);       /* it slept on through every one */
	assert_true(interrupt_count() > before);
	assert_int_equal(interrupt_last_signal(), SIGTERM);
	stop(helper);
	sigaction(SIGUSR1, &old, NULL);
	close(fds[0]);
	close(fds[1]);
}

static void a_zero_sleep_returns(void **state)
{
	(void)state;
	interrupt_sleep_ms(0);
	interrupt_sleep_ms(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raised_signals_are_counted),
		cmocka_unit_test(a_signal_ends_the_sleep_early),
		cmocka_unit_test(other_signals_do_not_end_the_sleep),
		cmocka_unit_test(a_zero_sleep_returns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
