/* SPDX-License-Identifier: GPL-2.0-or-later */
/* retry: a policy per failure class, with docs/design.md's defaults. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/config_loader.h"
#include "lib/util/did_you_mean.h"

/* A policy that gives up after max_attempts, waiting initial_s first. */
static struct retry_policy policy(unsigned max_attempts, uint64_t initial_s)
{
	return (struct retry_policy){
		.max_attempts = max_attempts,
		.backoff = { .initial_s = initial_s, .factor = 2.0, .max_s = 3600,
			     .jitter = 0.1 },
		.memory_factor = 1.0,
		.walltime_factor = 1.0,
	};
}

void retry_defaults(struct retry_policy retry[FAILURE_CLASS_COUNT])
{
	retry[FAILURE_TRANSIENT] = policy(4, 30);        /* retry 3x, backoff */
	retry[FAILURE_OOM] = policy(3, 0);               /* with more memory */
	retry[FAILURE_OOM].memory_factor = 2.0;
	retry[FAILURE_PREEMPTED] = policy(CONFIG_UNLIMITED_ATTEMPTS, 60);
	retry[FAILURE_TIMEOUT] = policy(3, 0);           /* with more walltime */
	retry[FAILURE_TIMEOUT].walltime_factor = 2.0;
	retry[FAILURE_NODE_FAIL] = policy(3, 60);
	retry[FAILURE_INPUT_ERROR] = policy(1, 0);       /* fail fast */
	retry[FAILURE_DEPENDENCY_ERROR] = policy(1, 0);  /* fail fast */
	retry[FAILURE_RUNTIME_ERROR] = policy(1, 0);     /* configurable */
	retry[FAILURE_OUTPUT_MISSING] = policy(1, 0);    /* the task ran: no retry */
}

/* max_attempts: an integer >= 1 or "unlimited". */
static int load_max_attempts(struct loader *L, const struct ynode *value, void *object)
{
	struct retry_policy *p = object;

	if (value->kind == YNODE_SCALAR && strcmp(value->text, "unlimited") == 0) {
		p->max_attempts = CONFIG_UNLIMITED_ATTEMPTS;
		return 0;
	}
	return read_uint(L, value, 1, 1000000, &p->max_attempts);
}

#define BACKOFF(member) offsetof(struct retry_policy, backoff.member)

static const struct field backoff_fields[] = {
	{ "initial", FIELD_DURATION, BACKOFF(initial_s), 0, 0, NULL },
	{ "factor", FIELD_FACTOR, BACKOFF(factor), 0, 0, NULL },
	{ "max", FIELD_DURATION, BACKOFF(max_s), 0, 0, NULL },
	{ "jitter", FIELD_FRACTION, BACKOFF(jitter), 0, 0, NULL },
};

static int load_backoff(struct loader *L, const struct ynode *value, void *object)
{
	return load_fields(L, value, backoff_fields,
			   sizeof backoff_fields / sizeof backoff_fields[0], object, "backoff");
}

#define POLICY(member) offsetof(struct retry_policy, member)

/* Each class accepts the common keys; oom and timeout one pair more. */
static const struct field oom_fields[] = {
	{ "max_attempts", FIELD_CUSTOM, 0, 0, 0, load_max_attempts },
	{ "backoff", FIELD_CUSTOM, 0, 0, 0, load_backoff },
	{ "memory_factor", FIELD_FACTOR, POLICY(memory_factor), 0, 0, NULL },
	{ "memory_cap", FIELD_SIZE, POLICY(memory_cap_bytes), 0, 0, NULL },
};

static const struct field timeout_fields[] = {
	{ "max_attempts", FIELD_CUSTOM, 0, 0, 0, load_max_attempts },
	{ "backoff", FIELD_CUSTOM, 0, 0, 0, load_backoff },
	{ "walltime_factor", FIELD_FACTOR, POLICY(walltime_factor), 0, 0, NULL },
	{ "walltime_cap", FIELD_WALLTIME, POLICY(walltime_cap_s), 0, 0, NULL },
};

/* The keys a class accepts: the first two of either table, or all four. */
static const struct field *class_fields(enum failure_class class, size_t *n)
{
	*n = class == FAILURE_OOM || class == FAILURE_TIMEOUT ? 4 : 2;
	return class == FAILURE_TIMEOUT ? timeout_fields : oom_fields;
}

/* Finds the class a retry key names. */
static int pick_class(struct loader *L, const struct ynode *key, enum failure_class *class)
{
	const char *names[FAILURE_CLASS_COUNT];
	const char *hint;

	if (failure_class_from_name(key->text, class))
		return 0;
	for (int i = 0; i < FAILURE_CLASS_COUNT; i++)
		names[i] = failure_class_name((enum failure_class)i);
	hint = did_you_mean(key->text, names, FAILURE_CLASS_COUNT);
	return fail_at(L, key, "unknown failure class '%s' (%s%s%s)", key->text,
		       hint ? "did you mean '" : "expected transient, oom, preempted, "
		       "timeout, node_fail, input_error, dependency_error, runtime_error or "
		       "output_missing",
		       hint ? hint : "", hint ? "'?" : "");
}

/* Checks a policy's numbers against each other. */
static int check_policy(struct loader *L, const struct ynode *map,
			const struct retry_policy *p)
{
	if (p->backoff.max_s < p->backoff.initial_s)
		return fail_at(L, map, "backoff max is below backoff initial (expected "
			       "max >= initial)");
	return 0;
}

int load_retry(struct loader *L, const struct ynode *map)
{
	if (want_kind(L, map, YNODE_MAPPING, "retry") != 0)
		return -1;
	for (size_t i = 0; i < ymap_size(map); i++) {
		const struct ynode *value = ymap_value(map, i);
		enum failure_class class;
		const struct field *fields;
		char what[64];
		size_t n;

		if (pick_class(L, ymap_key(map, i), &class) != 0)
			return -1;
		fields = class_fields(class, &n);
		snprintf(what, sizeof what, "retry.%s", failure_class_name(class));
		if (load_fields(L, value, fields, n, &L->config->retry[class], what) != 0 ||
		    check_policy(L, value, &L->config->retry[class]) != 0)
			return -1;
	}
	return 0;
}
