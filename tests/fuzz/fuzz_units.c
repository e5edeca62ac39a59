/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: sizes, walltimes and durations (common/units.c), each
 * value read formatted back. */
#include "fuzz_util.h"

#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size), buf[64];
	const char *why, *p = text;
	uint64_t v;

	if (units_parse_size(text, &v, &why)) {
		units_format_mem(v, buf, sizeof buf);
		units_format_size(v, buf, sizeof buf);
	}
	if (units_parse_walltime(text, &v, &why))
		units_format_walltime(v, buf, sizeof buf);
	(void)units_parse_duration(text, &v, &why);
	(void)units_read_digits(&p, &v);
	free(text);
	return 0;
}
