/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the sampler's tests share: a fake memory cgroup (a scratch directory
 * holding cgroup v2 files) and a bounded wait. */
#ifndef SCALABLE_TEST_SAMPLER_SUPPORT_H
#define SCALABLE_TEST_SAMPLER_SUPPORT_H

#include <stdbool.h>

/* Waits for cond to hold, polling; the cap (30 s) only stops a broken
 * sampler from hanging the suite: the assertion is that it holds, not when. */
bool eventually(bool (*cond)(void *), void *arg);

/* Replaces dir/name at once, as the kernel's files change: the sampler
 * never reads a half-written one. */
void set_file(const char *dir, const char *name, const char *text);

/* A fresh fake cgroup: memory.current, memory.max, memory.events. */
char *fake_cgroup(const char *current, const char *limit);

#endif
