/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Re-attaching checks the run's config by its manifest lock: the same digest
 * keeps the config; another digest of the same version means a template or
 * scenario file changed (no config, config_problem says so); a lock of
 * another digest version is not compared (the config is kept, a note says
 * its files went unchecked); a run.json written before manifest_lock_version
 * existed is version 1, and its lock still matches. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rundir/manifest_digest.h"
#include "testing/orch_helpers.h"
#include "run/run_session.h"
#include "test/tmpdir.h"

static const char config_yaml[] =
	"version: 1\n"
	"project: lock\n"
	"targets:\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model: {template: model.tmpl}\n"
	"scenarios:\n"
	"  range: {name: n, start: 0, stop: 1}\n";

struct fixture {
	char *dir, *root, *run_id, *run_json;
	char notes[4096];
};

static void keep_note(void *ctx, const char *text)
{
	struct fixture *f = ctx;
	size_t used = strlen(f->notes);

	snprintf(f->notes + used, sizeof f->notes - used, "%s\n", text);
}

/* A run of config_yaml, created and left (nothing submitted). */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct run_create_options o = { 0 };
	struct run_session *s;
	struct config *config;
	struct plan *plan;
	struct error err;

	f->dir = tmpdir_create();
	tmpdir_write(f->dir, "model.tmpl", "#!/bin/bash\necho {{ n }}\n");
	assert_true(asprintf(&f->root, "%s/runs", f->dir) > 0);
	config = load_config_text(f->dir, config_yaml);
	o.runs_root = f->root;
	if (run_session_create_with(config, config_target(config, NULL), &o, &s, &plan, &err))
		fail_msg("%s", err.text);
	f->run_id = strdup(s->run->id);
	assert_true(asprintf(&f->run_json, "%s/run.json", s->run->path) > 0);
	plan_free(plan);
	run_session_free(s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->dir);
	free(f->root);
	free(f->run_id);
	free(f->run_json);
	free(f);
	return 0;
}

/* Sets run.json's manifest_lock (unless NULL) and manifest_lock_version
 * (removed when 0). */
static void edit_run_json(const struct fixture *f, const char *lock, int version)
{
	json_t *json = json_load_file(f->run_json, 0, NULL);

	assert_non_null(json);
	if (lock)
		json_object_set_new(json, "manifest_lock", json_string(lock));
	if (version)
		json_object_set_new(json, "manifest_lock_version", json_integer(version));
	else
		json_object_del(json, "manifest_lock_version");
	assert_int_equal(json_dump_file(json, f->run_json, JSON_COMPACT), 0);
	json_decref(json);
}

static struct run_session *attach(struct fixture *f)
{
	struct run_session_spec spec = { .runs_root = f->root, .run = f->run_id,
					 .command = "watch", .note = keep_note, .note_ctx = f };
	struct run_session *s;
	struct error err;

	f->notes[0] = '\0';
	if (run_session_attach(&spec, &s, &err) != 0)
		fail_msg("%s", err.text);
	return s;
}

static void the_same_lock_keeps_the_config(void **state)
{
	struct fixture *f = *state;
	struct run_session *s = attach(f);

	assert_int_equal(s->record.manifest_lock_version, MANIFEST_DIGEST_VERSION);
	assert_non_null(s->config);
	assert_null(s->config_problem);
	assert_string_equal(f->notes, "");
	run_session_free(s);
}

static void another_lock_of_this_version_is_a_change(void **state)
{
	struct fixture *f = *state;
	struct run_session *s;

	edit_run_json(f, "0000000000000000000000000000000000000000000000000000000000000000",
		      MANIFEST_DIGEST_VERSION);
	s = attach(f);
	assert_null(s->config);
	assert_non_null(s->config_problem);
	assert_non_null(strstr(s->config_problem, "template or scenario files have changed"));
	assert_non_null(strstr(f->notes, "no longer loads as it did"));
	run_session_free(s);
}

/* A run recorded by a scalable whose digest is made another way. */
static void a_lock_of_another_version_is_not_compared(void **state)
{
	struct fixture *f = *state;
	struct run_session *s;
	char said[100];

	edit_run_json(f, "1111111111111111111111111111111111111111111111111111111111111111",
		      MANIFEST_DIGEST_VERSION + 1);
	s = attach(f);
	assert_int_equal(s->record.manifest_lock_version, MANIFEST_DIGEST_VERSION + 1);
	assert_non_null(s->config);
	assert_null(s->config_problem);
	snprintf(said, sizeof said, "digest version %d, this scalable makes version %d",
		 MANIFEST_DIGEST_VERSION + 1, MANIFEST_DIGEST_VERSION);
	assert_non_null(strstr(f->notes, said));
	assert_null(strstr(f->notes, "no longer loads"));
	run_session_free(s);
}

/* run.json written before manifest_lock_version existed: version 1. */
static void a_lock_without_a_version_is_version_1(void **state)
{
	struct fixture *f = *state;
	struct run_session *s;

	edit_run_json(f, NULL, 0);
	s = attach(f);
	assert_int_equal(s->record.manifest_lock_version, 1);
	assert_non_null(s->config);  /* today's digest is version 1's */
	assert_null(s->config_problem);
	assert_string_equal(f->notes, "");
	run_session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_same_lock_keeps_the_config, setup, teardown),
		cmocka_unit_test_setup_teardown(another_lock_of_this_version_is_a_change, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_lock_of_another_version_is_not_compared, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_lock_without_a_version_is_version_1, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
