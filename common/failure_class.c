/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names of the failure classes, in enum order. */
#include "failure_class.h"

#include <string.h>

static const char *const class_names[FAILURE_CLASS_COUNT] = {
	[FAILURE_TRANSIENT] = "transient",
	[FAILURE_OOM] = "oom",
	[FAILURE_PREEMPTED] = "preempted",
	[FAILURE_TIMEOUT] = "timeout",
	[FAILURE_NODE_FAIL] = "node_fail",
	[FAILURE_INPUT_ERROR] = "input_error",
	[FAILURE_DEPENDENCY_ERROR] = "dependency_error",
	[FAILURE_RUNTIME_ERROR] = "runtime_error",
	[FAILURE_OUTPUT_MISSING] = "output_missing",
};

const char *failure_class_name(enum failure_class class)
{
	if ((unsigned)class >= FAILURE_CLASS_COUNT)
		return NULL;
	return class_names[class];
}

bool failure_class_from_name(const char *name, enum failure_class *class)
{
	for (int i = 0; i < FAILURE_CLASS_COUNT; i++) {
		if (strcmp(name, class_names[i]) == 0) {
			*class = (enum failure_class)i;
			return true;
		}
	}
	return false;
}
