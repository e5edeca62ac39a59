/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diagnose on a run where a task exited 0 without its outputs: a finding
 * of class output_missing, labelled and categorised as such, whose
 * suggestion names the component's outputs (not "the program failed by
 * itself", as for a runtime error). */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diagnose/diagnose.h"
#include "testing/diagnose_fixture.h"
#include "test/tmpdir.h"

static void an_output_missing_finding(void **state)
{
	struct dx_fixture fx;
	struct diagnosis *dx;
	struct error err;
	json_t *r, *f = NULL, *each;
	size_t i;
	const char *suggestion;

	(void)state;
	fixture_begin(&fx, "failed");
	fixture_scenario(&fx, 0, "{\"n\": 0}");
	fixture_scenario(&fx, 1, "{\"n\": 1}");
	fixture_attempt(&fx, &(struct attempt_spec){ .index = 0, .worker = "c01",
						     .duration = 3 });
	fixture_attempt(&fx, &(struct attempt_spec){
		.index = 1, .state = "failed", .worker = "c01", .duration = 3,
		.failure_class = "output_missing", .exit_code = 0,
		.message = "exited 0 without its outputs: results/{{ n }}.csv "
			   "(/w/results/1.csv)" });
	fixture_write(&fx);
	if (diagnose_run(fx.dir, &dx, &err) != 0)
		fail_msg("diagnose_run: %s", err.text);
	assert_non_null(r = diagnose_json(dx));
	diagnose_free(dx);
	json_array_foreach(json_object_get(r, "findings"), i, each)
		if (!strcmp(json_string_value(json_object_get(each, "category")), "output"))
			f = each;
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "failure_class")),
			    "output_missing");
	assert_non_null(strstr(json_string_value(json_object_get(f, "title")), "Output missing"));
	assert_non_null(suggestion = json_string_value(json_object_get(f, "suggestion")));
	assert_non_null(strstr(suggestion, "exited 0 without writing what "
				       "components.model.outputs names"));
	json_decref(r);
	fixture_free(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_output_missing_finding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
