/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The failure taxonomy (docs/design.md, "Failure classes and retry"): the class
 * names that failures.jsonl, retry policies and classify rules share.
 *
 * Tests: orchestrator/tracker/test/test_classify.c,
 * orchestrator/config/test/test_config.c (every class name, both ways). */
#ifndef SCALABLE_FAILURE_CLASS_H
#define SCALABLE_FAILURE_CLASS_H

#include <stdbool.h>

enum failure_class {
	FAILURE_TRANSIENT,
	FAILURE_OOM,
	FAILURE_PREEMPTED,
	FAILURE_TIMEOUT,
	FAILURE_NODE_FAIL,
	FAILURE_INPUT_ERROR,
	FAILURE_DEPENDENCY_ERROR,
	FAILURE_RUNTIME_ERROR,
	FAILURE_OUTPUT_MISSING,  /* exited 0 without its declared outputs */
	FAILURE_CLASS_COUNT
};

/* "oom", "node_fail", ...; NULL for an out-of-range value. */
const char *failure_class_name(enum failure_class class);
/* Looks a name up exactly; false when it names no class. */
bool failure_class_from_name(const char *name, enum failure_class *class);

#endif
