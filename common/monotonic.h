/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Milliseconds on the monotonic clock, for deadlines and bounded waits
 * (the plugin's sinks, the orchestrator's commands and local tasks).
 *
 * Tests: spank/test/test_sinks.c (child_is_killed_at_its_deadline),
 * orchestrator/local/test/test_local_executor_pump.c. */
#ifndef SCALABLE_MONOTONIC_H
#define SCALABLE_MONOTONIC_H

#include <stdint.h>

int64_t monotonic_ms(void);

#endif
