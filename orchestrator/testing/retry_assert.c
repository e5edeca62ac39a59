/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A field-by-field check of two retry decisions (see retry_assert.h). */
#include "testing/retry_assert.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void assert_same_resources(const struct resources *want, const struct resources *got)
{
	assert_int_equal(got->cpus, want->cpus);
	assert_int_equal(got->memory_bytes, want->memory_bytes);
	assert_int_equal(got->walltime_s, want->walltime_s);
}

void assert_same_retry_decision(const struct retry_decision *want,
				const struct retry_decision *got)
{
	static const struct resources none;

	assert_int_equal(got->action, want->action);
	assert_ptr_equal(got->component, want->component);
	assert_int_equal(got->index, want->index);
	assert_int_equal(got->failure_class, want->failure_class);
	assert_int_equal(got->attempt, want->attempt);
	assert_int_equal(got->next_attempt, want->next_attempt);
	assert_int_equal(got->class_failures, want->class_failures);
	assert_int_equal(got->max_attempts, want->max_attempts);
	assert_same_resources(&none, &got->previous);
	assert_same_resources(&want->resources, &got->resources);
	assert_string_equal(got->exclude, want->exclude);
	assert_int_equal(got->delay_s, want->delay_s);
	assert_int_equal(got->not_before, want->not_before);
	assert_string_equal(got->reason, want->reason);
	assert_string_equal(got->note, want->note);
}
