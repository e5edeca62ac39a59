/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test seams' variables, out of the environment (see test_seam.h). */
#include "lib/util/test_seam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *test_seam_take(const char *name)
{
	const char *value = getenv(name);
	char *copy = NULL;

	if (value && *value) {
#ifdef SCALABLE_TEST_SEAMS
		copy = strdup(value);
#else
		fprintf(stderr, "scalable: %s ignored: this build has no test seams\n", name);
#endif
	}
	unsetenv(name);
	return copy;
}

#ifdef SCALABLE_TEST_SEAMS
void test_seam_announce(bool *said, const char *name, const char *value)
{
	if (*said)
		return;
	*said = true;
	fprintf(stderr, "scalable: test seam armed: %s=%s\n", name, value);
	fflush(stderr);
}
#endif
