/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: one line of <run_dir>/events/ (step_event_parse_line). */
#include "fuzz_util.h"

#include "step_event_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstring(data, size);
	struct step_event_fields fields;
	json_t *json = NULL;
	volatile size_t sum = 0;

	if (step_event_parse_line(line, &fields, &json) == 0) {
		/* Touch the strings: they must point into the live JSON. */
		sum += strlen(fields.event) + strlen(fields.step_name);
		sum += fields.node ? strlen(fields.node) : 0;
		sum += fields.run_id ? strlen(fields.run_id) : 0;
	}
	if (sum == (size_t)-1)  /* never: a read the compiler must keep */
		abort();
	json_decref(json);
	free(line);
	return 0;
}
