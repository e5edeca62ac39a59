/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names for people and small look-ups the findings share. */
#include <string.h>

#include "diagnose/diagnose_impl.h"

const char *dx_severity_name(enum dx_severity severity)
{
	static const char *const names[] = { "critical", "high", "medium", "low" };

	return (unsigned)severity < 4 ? names[severity] : "low";
}

const char *dx_class_label(enum failure_class c)
{
	static const char *const labels[FAILURE_CLASS_COUNT] = {
		[FAILURE_TRANSIENT] = "Transient", [FAILURE_OOM] = "OOM",
		[FAILURE_PREEMPTED] = "Preempted", [FAILURE_TIMEOUT] = "Timeout",
		[FAILURE_NODE_FAIL] = "Node failure", [FAILURE_INPUT_ERROR] = "Input error",
		[FAILURE_DEPENDENCY_ERROR] = "Dependency error",
		[FAILURE_RUNTIME_ERROR] = "Runtime error",
		[FAILURE_OUTPUT_MISSING] = "Output missing",
	};

	return (unsigned)c < FAILURE_CLASS_COUNT ? labels[c] : "Unknown class";
}

const char *dx_class_category(enum failure_class c)
{
	static const char *const categories[FAILURE_CLASS_COUNT] = {
		[FAILURE_TRANSIENT] = "transient", [FAILURE_OOM] = "memory",
		[FAILURE_PREEMPTED] = "preemption", [FAILURE_TIMEOUT] = "walltime",
		[FAILURE_NODE_FAIL] = "node", [FAILURE_INPUT_ERROR] = "input",
		[FAILURE_DEPENDENCY_ERROR] = "dependency", [FAILURE_RUNTIME_ERROR] = "runtime",
		[FAILURE_OUTPUT_MISSING] = "output",
	};

	return (unsigned)c < FAILURE_CLASS_COUNT ? categories[c] : "other";
}

bool dx_more(uint64_t a, uint64_t b, const char *name_a, const char *name_b)
{
	return a != b ? a > b : strcmp(name_a, name_b) < 0;
}

const char *dx_main_component(const struct diagnosis *dx, const struct dx_group *g,
			      uint32_t *id)
{
	uint32_t best = DX_NO_ID;

	for (size_t c = 0; c < g->n_by_component && c < dx->components.count; c++)
		if (g->by_component[c].failures &&
		    (best == DX_NO_ID || dx_more(g->by_component[c].failures,
						 g->by_component[best].failures,
						 dx->components.names[c],
						 dx->components.names[best])))
			best = (uint32_t)c;
	if (id)
		*id = best;
	return best == DX_NO_ID ? NULL : dx->components.names[best];
}

const char *dx_main_worker(const struct diagnosis *dx, const struct dx_group *g,
			   size_t *count)
{
	size_t best = 0;
	bool any = false;

	for (size_t w = 0; w < g->n_by_worker && w < dx->workers.count; w++) {
		if (g->by_worker[w] && (!any || dx_more(g->by_worker[w], g->by_worker[best],
							 dx->workers.names[w],
							 dx->workers.names[best]))) {
			best = w;
			any = true;
		}
	}
	if (count)
		*count = any ? g->by_worker[best] : 0;
	return any ? dx->workers.names[best] : NULL;
}
