/* SCALABLE_CRASH_AT, the crash test seam (see crash_point.h). */
#include "lib/util/crash_point.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CRASH_POINT_NAME_MAX 32

static struct {
	bool read;
	char name[CRASH_POINT_NAME_MAX];  /* "": no crash asked for */
	unsigned long due;                /* the pass that crashes, 1-based */
	unsigned long passed;
} armed;

/* Reads SCALABLE_CRASH_AT once; a malformed value arms nothing. */
static void arm(void)
{
	const char *spec = getenv("SCALABLE_CRASH_AT");
	const char *colon;
	size_t len;
	char *end;

	armed.read = true;
	if (!spec || !*spec)
		return;
	colon = strchr(spec, ':');
	len = colon ? (size_t)(colon - spec) : strlen(spec);
	armed.due = 1;
	if (colon) {
		armed.due = strtoul(colon + 1, &end, 10);
		if (*end || armed.due == 0)
			return;
	}
	if (len == 0 || len >= sizeof armed.name)
		return;
	memcpy(armed.name, spec, len);
	armed.name[len] = '\0';
}

void crash_point(const char *name)
{
	if (!armed.read)
		arm();
	if (!armed.name[0] || strcmp(armed.name, name) != 0)
		return;
	if (++armed.passed == armed.due)
		raise(SIGKILL);
}
