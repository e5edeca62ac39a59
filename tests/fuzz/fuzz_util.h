/* SPDX-License-Identifier: GPL-2.0-or-later */
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

static char fuzz_dir[4096], fuzz_path[4200];

/* At exit: the file and the directory go (a crash leaves them in TMPDIR). */
static inline void fuzz_file_cleanup(void)
{
	unlink(fuzz_path);
	rmdir(fuzz_dir);
}

/* Writes the input to <a private directory in TMPDIR>/name, made once per
 * process, and returns its path (overwritten by the next call). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;

	if (!*fuzz_dir) {
		snprintf(fuzz_dir, sizeof fuzz_dir, "%s/scalable-fuzz-XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(fuzz_dir))
			abort();
		atexit(fuzz_file_cleanup);
	}
	snprintf(fuzz_path, sizeof fuzz_path, "%s/%s", fuzz_dir, name);
	if (!(f = fopen(fuzz_path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	return fuzz_path;
}

#endif
