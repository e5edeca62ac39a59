/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers for the orchestrator's unit tests (see orch_helpers.h). */
#include "testing/orch_helpers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "test/tmpdir.h"

/* dir/scalable.yaml, written. */
static char *write_config(const char *dir, const char *yaml)
{
	char *path;

	tmpdir_write(dir, "scalable.yaml", yaml);
	assert_true(asprintf(&path, "%s/scalable.yaml", dir) > 0);
	return path;
}

struct config *load_config_text(const char *dir, const char *yaml)
{
	char *path = write_config(dir, yaml);
	struct config *config = NULL;
	struct error err;

	if (config_load(path, &config, &err) != 0)
		fail_msg("config did not load: %s", err.text);
	free(path);
	return config;
}

void expect_config_error(const char *dir, const char *yaml, struct error *err)
{
	char *path = write_config(dir, yaml);
	struct config *config = NULL;

	if (config_load(path, &config, err) == 0) {
		config_free(config);
		fail_msg("config loaded, but an error was expected");
	}
	free(path);
}

char *fixture_path(const char *relpath)
{
	const char *srcdir = getenv("SCALABLE_TEST_SRCDIR");
	char *path;

	assert_non_null(srcdir);
	assert_true(asprintf(&path, "%s/tests/fixtures/%s", srcdir, relpath) > 0);
	return path;
}
