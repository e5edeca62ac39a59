/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: a CSV scenario table (scenarios_load_csv), then the
 * scenarios it made written out as JSONL. */
#include "fuzz_util.h"

#include "scenarios/scenarios.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, "params.csv");
	struct scenario_set *set = NULL;
	struct error err;
	FILE *out;

	if (scenarios_load_csv(path, &set, &err) != 0)
		return 0;
	if ((out = fopen("/dev/null", "w"))) {
		scenarios_write_jsonl(set, out);
		fclose(out);
	}
	scenarios_free(set);
	return 0;
}
