/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signals while following a run (see interrupt.h). */
#include "lib/util/interrupt.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t received;
static volatile sig_atomic_t last_signal;

static void on_signal(int signo)
{
	received = received + 1;
	last_signal = signo;
}

void interrupt_install(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		sigaction(signals[i], &sa, NULL);
}

unsigned interrupt_count(void)
{
	return (unsigned)received;
}

int interrupt_last_signal(void)
{
	return last_signal;
}

void interrupt_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	unsigned before = interrupt_count();

	/* nanosleep ends with EINTR on our signals; other interruptions go on */
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && interrupt_count() == before)
		;
}
