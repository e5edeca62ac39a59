/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ctrl-C (and SIGTERM, SIGHUP) while a run is followed: the handler only
 * counts, the follow loop decides (detach, or cancel the local tasks). The
 * handlers are installed without SA_RESTART, so a sleep ends early. */
#ifndef SCALABLE_INTERRUPT_H
#define SCALABLE_INTERRUPT_H

#include <stdbool.h>

/* Installs the handlers for SIGINT, SIGTERM and SIGHUP. */
void interrupt_install(void);
/* How many of them arrived so far. */
unsigned interrupt_count(void);
/* The last one that arrived (0: none). */
int interrupt_last_signal(void);
/* Sleeps ms milliseconds, or less when a signal arrives. */
void interrupt_sleep_ms(unsigned ms);

#endif
