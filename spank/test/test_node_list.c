/* SPDX-License-Identifier: GPL-2.0-or-later */
/* node_list_pick: the node a step's node index names in its node list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "node_list.h"

static const char *pick(const char *list, uint32_t index)
{
	static char out[64];

	return node_list_pick(list, index, out, sizeof out) == 0 ? out : NULL;
}

static void plain_names_in_order(void **state)
{
	(void)state;
	assert_string_equal(pick("vm2", 0), "vm2");
	assert_string_equal(pick("a,b.site,c-1", 1), "b.site");
	assert_string_equal(pick("a,b.site,c-1", 2), "c-1");
	assert_null(pick("a,b", 2));
}

static void ranges_expand_with_their_padding(void **state)
{
	(void)state;
	assert_string_equal(pick("vm[2-3]", 0), "vm2");
	assert_string_equal(pick("vm[2-3]", 1), "vm3");
	assert_string_equal(pick("c[01-04,07]", 3), "c04");
	assert_string_equal(pick("c[01-04,07]", 4), "c07");
	assert_string_equal(pick("c[8-12]", 4), "c12");
	assert_string_equal(pick("c[098-101]x", 3), "c101x");
	assert_null(pick("c[01-04,07]", 5));
}

static void items_mixed(void **state)
{
	(void)state;
	assert_string_equal(pick("gpu1,c[1-2],login[5]", 0), "gpu1");
	assert_string_equal(pick("gpu1,c[1-2],login[5]", 2), "c2");
	assert_string_equal(pick("gpu1,c[1-2],login[5]", 3), "login5");
}

/* Anything else is refused: the caller then falls back. */
static void other_forms_refused(void **state)
{
	(void)state;
	assert_null(pick("", 0));
	assert_null(pick("rack[1-2]n[1-3]", 0));
	assert_null(pick("c[3-1]", 0));
	assert_null(pick("c[1-2", 0));
	assert_null(pick("c1-2]", 0));
	assert_null(pick("c[[1]]", 0));
	assert_null(pick("c[a-b]", 0));
	assert_null(pick("c[1-2],,d", 2));
	assert_null(pick("c\"1", 0));
	assert_null(pick("c[1234567890]", 0));
	assert_null(pick("c[1-4294967296]", 0));
}

static void too_long_for_the_buffer(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(node_list_pick("node1", 0, out, sizeof out), -1);
	assert_int_equal(node_list_pick("n[100]", 0, out, sizeof out), -1);
	assert_int_equal(node_list_pick("n[10]", 0, out, sizeof out), 0);
	assert_string_equal(out, "n10");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_names_in_order),
		cmocka_unit_test(ranges_expand_with_their_padding),
		cmocka_unit_test(items_mixed),
		cmocka_unit_test(other_forms_refused),
		cmocka_unit_test(too_long_for_the_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
