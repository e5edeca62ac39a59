/* Helpers shared by the libFuzzer targets of tests/fuzz/: the input as a C
 * string, or as a file (for the readers that take a path). */
#ifndef SCALABLE_FUZZ_UTIL_H
#define SCALABLE_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The input with a NUL after it (libFuzzer's buffer has none); free it. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Writes the input to <a private directory>/name, made once per process,
 * and returns its path (static storage, overwritten by the next call). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
	static char dir[64], path[128];
	FILE *f;

	if (!*dir) {
		snprintf(dir, sizeof dir, "%s/scalable-fuzz-XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	return path;
}

#endif
