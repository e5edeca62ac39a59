/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCALABLE_CRASH_AT, the crash test seam (see crash_point.h). */
#include "lib/util/crash_point.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/test_seam.h"

#define CRASH_AT "SCALABLE_CRASH_AT"

#ifdef SCALABLE_TEST_SEAMS
#define CRASH_POINT_NAME_MAX 32

static struct {
	char spec[64];                    /* as given ("": not armed), for stderr */
	bool said;                        /* stderr told on the first pass */
	char name[CRASH_POINT_NAME_MAX];  /* "": no crash asked for */
	unsigned long due;                /* the pass that crashes, 1-based */
	unsigned long passed;
} armed;

/* Reads "<point>[:<n>]" into armed's name and due; false when malformed. */
static bool parse(const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	char *end;

	armed.due = 1;
	if (colon) {
		armed.due = strtoul(colon + 1, &end, 10);
		if (*end || armed.due == 0)
			return false;
	}
	if (len == 0 || len >= sizeof armed.name)
		return false;
	memcpy(armed.name, spec, len);
	armed.name[len] = '\0';
	return true;
}

void crash_point_arm(const char *spec)
{
	memset(&armed, 0, sizeof armed);
	if (!spec || !*spec)
		return;
	snprintf(armed.spec, sizeof armed.spec, "%s", spec);
	if (strlen(spec) >= sizeof armed.spec || !parse(spec))
		armed.name[0] = '\0';
}

void crash_point(const char *name)
{
	if (!armed.spec[0])
		return;
	if (!armed.said && !armed.name[0]) {
		armed.said = true;
		fprintf(stderr, "scalable: test seam %s=%s not understood (<point>[:<n>]): "
			"nothing armed\n", CRASH_AT, armed.spec);
	}
	test_seam_announce(&armed.said, CRASH_AT, armed.spec);
	if (!armed.name[0] || strcmp(armed.name, name) != 0)
		return;
	if (++armed.passed == armed.due)
		raise(SIGKILL);
}
#endif

void crash_point_arm_from_env(void)
{
	char *spec = test_seam_take(CRASH_AT);

#ifdef SCALABLE_TEST_SEAMS
	crash_point_arm(spec);
#endif
	free(spec);
}
