/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where logs go in each layout: task logs by component and index bucket,
 * Slurm's output by component and chunk offset, flat in layout 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan/log_paths.h"

static void layouts_from_run_json(void **state)
{
	(void)state;
	assert_int_equal(run_layout_of(0), RUN_LAYOUT_FLAT);   /* no "layout" in run.json */
	assert_int_equal(run_layout_of(1), RUN_LAYOUT_FLAT);
	assert_int_equal(run_layout_of(2), RUN_LAYOUT_FANNED);
	assert_int_equal(run_layout_of(7), RUN_LAYOUT_FLAT);
	assert_int_equal(RUN_LAYOUT_CURRENT, RUN_LAYOUT_FANNED);
}

static void task_logs(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(log_task_stem(1, "model", 1234, 2, buf, sizeof buf), 0);
	assert_string_equal(buf, "logs/model-1234.2");
	assert_int_equal(log_task_stem(2, "model", 1234, 2, buf, sizeof buf), 0);
	assert_string_equal(buf, "logs/tasks/model/1/model-1234.2");
	assert_int_equal(log_task_stem(2, "model", 999, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "logs/tasks/model/0/model-999.1");
	assert_int_equal(log_task_stem(2, "model", 99999, 1, buf, sizeof buf), 0);
	assert_string_equal(buf, "logs/tasks/model/99/model-99999.1");
	assert_int_equal(log_task_stem_text(2, "m", "$I", "$((I / 1000))", "$A", buf, sizeof buf),
			 0);
	assert_string_equal(buf, "logs/tasks/m/$((I / 1000))/m-$I.$A");
	assert_int_equal(log_task_stem(2, "model", 1234, 2, buf, 20), -1);
}

static void slurm_output(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(log_slurm_output(1, "model", 1234, 77, 233, buf, sizeof buf), 0);
	assert_string_equal(buf, "logs/slurm-77_233.out");
	/* index 1234 ran as task 233 of a chunk at offset 1001 */
	assert_int_equal(log_slurm_output(2, "model", 1234, 77, 233, buf, sizeof buf), 0);
	assert_string_equal(buf, "logs/slurm/model/1001/slurm-77_233.out");
	assert_int_equal(log_slurm_output_text(2, "model", 1001, "%A", "%a", buf, sizeof buf), 0);
	assert_string_equal(buf, "logs/slurm/model/1001/slurm-%A_%a.out");
	assert_int_equal(log_slurm_output(2, "model", 5, 77, 6, buf, sizeof buf), -1);
	assert_int_equal(log_slurm_output(2, "model", 5, -1, 5, buf, sizeof buf), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layouts_from_run_json),
		cmocka_unit_test(task_logs),
		cmocka_unit_test(slurm_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
