/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for site and user defaults: reading the files, the precedence
 * under a project's config, where each value came from, and the errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config_defaults.h"
#include "config/config_file.h"
#include "lib/util/exit_codes.h"
#include "test/tmpdir.h"

static const char project[] =
	"version: 1\n"
	"project: p\n"
	"targets:\n"
	"  hpc:\n"
	"    provider: slurm\n"
	"    qos: own-qos\n"
	"  here: {provider: local}\n"
	"components:\n"
	"  model: {command: \"true\"}\n";

static char *path_in(const char *dir, const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	return path;
}

/* The setting called key of config. */
static const struct config_setting *setting(const struct config *config, const char *key)
{
	for (size_t i = 0; i < config->n_settings; i++)
		if (strcmp(config->settings[i].key, key) == 0)
			return &config->settings[i];
	fail_msg("no setting %s", key);
	return NULL;
}

static void test_precedence(void **state)
{
	char *dir = tmpdir_create(), *site = path_in(dir, "site.yaml"), *user = path_in(dir, "user.yaml");
	char *config_path = path_in(dir, "scalable.yaml");
	struct config_defaults d = { 0 };
	struct config *config;
	struct error err;
	const struct target *hpc;

	(void)state;
	tmpdir_write(dir, "site.yaml", "account: site-acct\npartition: site-part\nqos: site-qos\n"
		     "notify: {webhook: https://hooks.example/x, timeout: 5s}\n");
	tmpdir_write(dir, "user.yaml", "# mine\npartition: user-part\n");
	tmpdir_write(dir, "scalable.yaml", project);
	assert_int_equal(config_defaults_read(site, SOURCE_SITE, &d, &err), 0);
	assert_int_equal(config_defaults_read(user, SOURCE_USER, &d, &err), 0);
	assert_int_equal(config_load_with(config_path, config_path, &d, &config, &err), 0);
	hpc = config_target(config, "hpc");
	assert_string_equal(hpc->account, "site-acct");    /* site only */
	assert_string_equal(hpc->partition, "user-part");  /* user over site */
	assert_string_equal(hpc->qos, "own-qos");          /* the project over both */
	assert_null(config_target(config, "here")->account);  /* local: not Slurm's */
	assert_string_equal(config->notify.webhook, "https://hooks.example/x");
	assert_int_equal(config->notify.timeout_s, 5);
	assert_int_equal(setting(config, "targets.hpc.account")->origin.source, SOURCE_SITE);
	assert_string_equal(setting(config, "targets.hpc.account")->origin.file, site);
	assert_int_equal(setting(config, "targets.hpc.account")->origin.line, 1);
	assert_int_equal(setting(config, "targets.hpc.partition")->origin.source, SOURCE_USER);
	assert_int_equal(setting(config, "targets.hpc.partition")->origin.line, 2);
	assert_int_equal(setting(config, "targets.hpc.qos")->origin.source, SOURCE_PROJECT);
	assert_int_equal(setting(config, "targets.hpc.qos")->origin.line, 6);
	assert_int_equal(setting(config, "notify.timeout")->origin.source, SOURCE_SITE);
	assert_string_equal(setting(config, "notify.timeout")->value, "5s");
	config_free(config);
	config_defaults_clear(&d);
	free(site), free(user), free(config_path);
	tmpdir_remove(dir);
}

static void test_built_in(void **state)
{
	char *dir = tmpdir_create(), *config_path = path_in(dir, "scalable.yaml");
	struct config *config;
	struct error err;

	(void)state;
	tmpdir_write(dir, "scalable.yaml", project);
	assert_int_equal(config_load(config_path, &config, &err), 0);
	assert_null(config_target(config, "hpc")->account);
	assert_int_equal(setting(config, "targets.hpc.account")->origin.source, SOURCE_BUILT_IN);
	assert_null(setting(config, "targets.hpc.account")->value);
	assert_int_equal(setting(config, "notify.timeout")->origin.source, SOURCE_BUILT_IN);
	assert_string_equal(setting(config, "notify.timeout")->value, "10s");
	assert_null(config->defaults);
	config_free(config);
	free(config_path);
	tmpdir_remove(dir);
}

/* Reading text as a defaults file fails with an error at where. */
static void assert_refused(const char *text, const char *where, const char *what)
{
	char *dir = tmpdir_create(), *path = path_in(dir, "defaults.yaml");
	struct config_defaults d = { 0 };
	struct error err;
	char *expected;

	tmpdir_write(dir, "defaults.yaml", text);
	assert_int_equal(config_defaults_read(path, SOURCE_USER, &d, &err), -1);
	assert_int_equal(err.exit_code, SCALABLE_EXIT_USAGE);
	assert_true(asprintf(&expected, "%s:%s: error: ", path, where) > 0);
	if (strncmp(err.text, expected, strlen(expected)) != 0 || !strstr(err.text, what))
		fail_msg("got '%s', expected '%s...%s'", err.text, expected, what);
	free(expected);
	config_defaults_clear(&d);
	free(path);
	tmpdir_remove(dir);
}

static void test_errors(void **state)
{
	(void)state;
	assert_refused("acount: x\n", "1:1", "unknown key 'acount' in a defaults file "
		       "(did you mean 'account'?)");
	assert_refused("partition: p\nnotify: {hook: x}\n", "2:10", "unknown key 'hook'");
	assert_refused("runs_dir: runs\n", "1:11", "runs_dir 'runs' is relative");
	assert_refused("qos: [a\n", "2:1", "invalid YAML");
	assert_refused("- account\n", "1:1", "a defaults file is a list (expected a mapping)");
	assert_refused("notify: {webhook: http://example.com/x}\n", "1:19", "not a URL");
}

static void test_missing_and_paths(void **state)
{
	struct config_defaults d = { 0 };
	struct error err;
	char *user;

	(void)state;
	assert_int_equal(config_defaults_read("/nonexistent/defaults.yaml", SOURCE_SITE, &d,
					      &err), 0);
	assert_null(d.value[DEFAULTS_ACCOUNT]);
	setenv("SCALABLE_SITE_DEFAULTS", "", 1);
	assert_null(config_defaults_site_path());
	unsetenv("SCALABLE_SITE_DEFAULTS");
	assert_string_equal(config_defaults_site_path(), "/etc/scalable/defaults.yaml");
	unsetenv("SCALABLE_USER_DEFAULTS");
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	user = config_defaults_user_path();
	assert_string_equal(user, "/xdg/scalable/defaults.yaml");
	free(user);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/u", 1);
	user = config_defaults_user_path();
	assert_string_equal(user, "/home/u/.config/scalable/defaults.yaml");
	free(user);
	setenv("SCALABLE_USER_DEFAULTS", "/elsewhere.yaml", 1);
	user = config_defaults_user_path();
	assert_string_equal(user, "/elsewhere.yaml");
	free(user);
	unsetenv("SCALABLE_USER_DEFAULTS");
}

/* What a run records reads back as the same defaults. */
static void test_run_record(void **state)
{
	char *dir = tmpdir_create(), *path = path_in(dir, "defaults.yaml");
	struct config_defaults d = { 0 }, again = { 0 };
	struct error err;
	json_t *recorded;
	char *text;

	(void)state;
	setenv("HOME", dir, 1);
	tmpdir_write(dir, "defaults.yaml", "account: \"a \\\"quoted\\\" one\"\nruns_dir: ~/runs\n"
		     "notify: {webhook: https://hooks.example/x, timeout: 2m}\n");
	assert_int_equal(config_defaults_read(path, SOURCE_USER, &d, &err), 0);
	assert_string_equal(d.value[DEFAULTS_RUNS_DIR] + strlen(dir), "/runs");
	assert_non_null(recorded = config_defaults_run_json(&d));
	assert_null(json_object_get(recorded, "runs_dir"));  /* not the run's business */
	assert_non_null(text = json_dumps(recorded, JSON_INDENT(2)));
	tmpdir_write(dir, "defaults.yaml", text);
	assert_int_equal(config_defaults_read(path, SOURCE_RUN, &again, &err), 0);
	assert_string_equal(again.value[DEFAULTS_ACCOUNT], "a \"quoted\" one");
	assert_string_equal(again.value[DEFAULTS_WEBHOOK], "https://hooks.example/x");
	assert_int_equal(again.timeout_s, 120);
	assert_int_equal(again.origin[DEFAULTS_ACCOUNT].source, SOURCE_RUN);
	free(text);
	json_decref(recorded);
	config_defaults_clear(&d);
	config_defaults_clear(&again);
	free(path);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_built_in),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_and_paths),
		cmocka_unit_test(test_run_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
