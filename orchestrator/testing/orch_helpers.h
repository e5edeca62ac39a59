/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers for the orchestrator's unit tests: configs from text. */
#ifndef SCALABLE_TEST_ORCH_HELPERS_H
#define SCALABLE_TEST_ORCH_HELPERS_H

#include "config/config_file.h"
#include "lib/util/error.h"

/* Writes yaml to dir/scalable.yaml and loads it; fails the test on error. */
struct config *load_config_text(const char *dir, const char *yaml);
/* Writes yaml to dir/scalable.yaml, expects loading to fail, and returns
 * the error (text and exit code) in *err. */
void expect_config_error(const char *dir, const char *yaml, struct error *err);
/* The path of a file under tests/fixtures (malloc'd). */
char *fixture_path(const char *relpath);

#endif
