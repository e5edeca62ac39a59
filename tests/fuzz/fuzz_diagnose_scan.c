/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: diagnose's JSON scanner (jscan_*) over the input, every
 * member decoded every way and nested objects walked; then each line of it
 * as a failures.jsonl, tasks.jsonl and scenarios.jsonl line (diagnose's line
 * readers, which pick their fields with the scanner), each group's kept
 * traceback through dx_offending_line, and the input itself as one. */
#include "fuzz_util.h"

#include "diagnose/diagnose_impl.h"
#include "diagnose/diagnose_scan.h"
#include "diagnose/diagnose_traceback.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(struct jscan *s, unsigned depth)
{
	struct jspan key, value;
	char small[8], big[256];
	int64_t i;
	double d;

	while (jscan_next(s, &key, &value)) {
		(void)jscan_is_null(value);
		(void)jscan_int(value, &i);
		(void)jscan_number(value, &d);
		(void)jscan_string(value, small, sizeof small, NULL);
		(void)jscan_string(value, big, sizeof big, NULL);
		if (value.len == 0 && depth < 32 && *value.p == '{') {
			struct jscan child;

			if (jscan_enter(s, &child))
				walk(&child, depth + 1);
		}
	}
	(void)jscan_finish(s);
}

/* Each line (without its newline, no NUL after it) through the readers. */
static void read_lines(const char *text, size_t size)
{
	struct diagnosis dx = { 0 };
	struct dx_scenarios scen = { 0 };
	char buf[512];

	for (size_t at = 0; at < size;) {
		const char *nl = memchr(text + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (text + at)) : size - at;

		(void)dx_failure_line(text + at, len, at, &dx);
		(void)dx_task_line(text + at, len, at, &dx);
		(void)dx_scenario_line(text + at, len, at, &scen);
		at += len + 1;
	}
	for (size_t i = 0; i < dx.groups.count; i++)
		(void)dx_offending_line(dx.groups.items[i]->traceback, buf, sizeof buf);
	dx_scenarios_free(&scen);
	dx_clear(&dx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jscan s;
	char line[512], *text;

	/* The scanner reads only [p, p + len): no NUL, so an overread shows. */
	if (jscan_begin(&s, (struct jspan){ (const char *)data, size }))
		walk(&s, 0);
	read_lines((const char *)data, size);
	text = fuzz_cstring(data, size);
	(void)dx_offending_line(text, line, sizeof line);
	free(text);
	return 0;
}
