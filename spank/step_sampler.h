/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory sampler of a running step (docs/telemetry.md, "sample"): a
 * process forked from slurmstepd when the step's first task starts, which
 * leaves the job's cgroups, reads the step's memory cgroup (root's files
 * under /sys/fs/cgroup, never a user path) every interval, and hands a
 * "sample" event to the step's sinks (the run directory's is written by a
 * child that has become the job user) when memory_threshold says so.
 *
 * It never blocks slurmstepd (nothing waits for it but the step's end, with
 * a bound), and never outlives its step: it exits when slurmstepd shuts its
 * end of their socket (the step's end), when slurmstepd dies (the socket's
 * hangup, and PR_SET_PDEATHSIG), or when the step's cgroup is gone; the
 * step's end kills it and whatever it forked (its own process group) when
 * it is not gone by its bound.
 *
 * Tests: spank/test/test_step_sampler.c. */
#ifndef SCALABLE_STEP_SAMPLER_H
#define SCALABLE_STEP_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cgroup_memory.h"
#include "step_event.h"

/* What the sampler does; everything it points to is read in the sampler
 * process (its copy of slurmstepd's memory). */
struct sampler_plan {
	struct cgroup_memory_location cgroup;
	int interval_ms;
	struct step_identity id;
	const char *producer;
	struct timespec started;        /* CLOCK_MONOTONIC at the step's start */
	/* Delivers one line to the step's sinks, in the sampler process;
	 * returns 0, or non-zero when a sink could not take it. Must not log
	 * (the sampler closed slurmstepd's descriptors, its log among them). */
	int (*deliver)(void *ctx, const char *line, size_t len);
	void *ctx;
	const char *escape_root;        /* cgroup root to leave the job's cgroups in; NULL: stay */
};

struct sampler_shared;

struct step_sampler {
	pid_t pid;                      /* 0: none running */
	int fd;                         /* slurmstepd's end of their socket */
	struct sampler_shared *shared;  /* its counters, in a page both see */
	unsigned delivered, failed;     /* samples, as the sampler said before its end */
	bool writing;                   /* the sampler was delivering one when stopped */
};

enum sampler_stop {
	SAMPLER_NONE,                   /* none was running */
	SAMPLER_EXITED,                 /* it exited when asked, or had already */
	SAMPLER_KILLED,                 /* killed at the bound, with what it forked */
};

/* Forks the sampler; returns 0, or -1 with errno (s->pid stays 0). */
int step_sampler_start(struct step_sampler *s, const struct sampler_plan *plan);

/* Samples the running sampler has tried to deliver so far (written or not). */
unsigned step_sampler_attempts(const struct step_sampler *s);

/* Tells the sampler to stop and waits for it until deadline_ms (monotonic):
 * one between samples exits at once; one delivering a sample finishes it
 * within the bound. At the bound it and its process group are SIGKILLed;
 * it is reaped now, or later by child_reap_pending. */
enum sampler_stop step_sampler_stop(struct step_sampler *s, int64_t deadline_ms);

#endif
