/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plugstack arguments: strict key=value, exact booleans, bounded values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "plugin_config.h"

static int parse(struct plugin_config *cfg, char *err, int argc, ...)
{
	char *argv[8];
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return plugin_config_parse(cfg, argc, argv, err, 256);
}

static void no_arguments_give_defaults(void **state)
{
	(void)state;
	struct plugin_config cfg;
	char err[256];
	assert_int_equal(parse(&cfg, err, 0), 0);
	assert_string_equal(cfg.spool_dir, "");
	assert_false(cfg.all_jobs);
	assert_int_equal(cfg.log_level, PLUGIN_LOG_VERBOSE);
	assert_int_equal(cfg.collector_timeout_ms, PLUGIN_DEFAULT_COLLECTOR_TIMEOUT_MS);
	assert_int_equal(cfg.sample_ms, 0);   /* sampling is off unless asked for */
}

static int sample_ms_of(const char *arg)
{
	struct plugin_config cfg;
	char err[256];
	char *argv[1] = { (char *)arg };
	return plugin_config_parse(&cfg, 1, argv, err, sizeof err) == 0 ? cfg.sample_ms : -1;
}

static void sample_takes_a_duration_of_a_second_or_more(void **state)
{
	(void)state;
	assert_int_equal(sample_ms_of("sample=30s"), 30000);
	assert_int_equal(sample_ms_of("sample=30"), 30000);
	assert_int_equal(sample_ms_of("sample=1500ms"), 1500);
	assert_int_equal(sample_ms_of("sample=1000ms"), 1000);
	assert_int_equal(sample_ms_of("sample=5m"), 300000);
	assert_int_equal(sample_ms_of("sample=24h"), 86400000);
	assert_int_equal(sample_ms_of("sample=off"), 0);
	assert_int_equal(sample_ms_of("sample=0"), 0);
	static const char *bad[] = {
		"sample=500ms", "sample=999ms", "sample=25h", "sample=-5s", "sample=+5s", "sample=",
		"sample=5 s", "sample=5sec", "sample=s", "sample=1.5s", "sample=99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct plugin_config cfg;
		char err[256] = "";
		char *argv[1] = { (char *)bad[i] };
		assert_int_equal(plugin_config_parse(&cfg, 1, argv, err, sizeof err), -1);
		assert_non_null(strstr(err, "1s to 24h"));
		assert_int_equal(cfg.sample_ms, 0);
	}
}

static void every_key_is_understood(void **state)
{
	(void)state;
	struct plugin_config cfg;
	char err[256];
	assert_int_equal(parse(&cfg, err, 6, "spool=/var/spool/scalable", "all_jobs=yes", "log=debug",
			       "collector=http://127.0.0.1:9/x", "collector_timeout_ms=500",
			       "write_timeout_ms=1000"), 0);
	assert_string_equal(cfg.spool_dir, "/var/spool/scalable");
	assert_true(cfg.all_jobs);
	assert_int_equal(cfg.log_level, PLUGIN_LOG_DEBUG);
	assert_string_equal(cfg.collector_url, "http://127.0.0.1:9/x");
	assert_int_equal(cfg.collector_timeout_ms, 500);
	assert_int_equal(cfg.write_timeout_ms, 1000);
}

static void bad_arguments_are_named_and_reset(void **state)
{
	(void)state;
	struct plugin_config cfg;
	char err[256];
	static const char *bad[] = {
		"spool=relative/dir", "all_jobs=maybe", "all_jobs=YES ", "log=loud", "collector=ftp://x",
		"collector_timeout_ms=0", "collector_timeout_ms=10s", "write_timeout_ms=99999999",
		"colector=http://x", "noequals", "=value", "spool=/a\nb",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(&cfg, err, 2, "log=quiet", (char *)bad[i]), -1);
		assert_non_null(strstr(err, "argument") ? err : NULL);
		assert_int_equal(cfg.log_level, PLUGIN_LOG_VERBOSE); /* defaults again */
	}
}

static void all_jobs_needs_a_spool(void **state)
{
	(void)state;
	struct plugin_config cfg;
	char err[256];
	assert_int_equal(parse(&cfg, err, 1, "all_jobs=yes"), -1);
	assert_non_null(strstr(err, "spool"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_arguments_give_defaults),
		cmocka_unit_test(every_key_is_understood),
		cmocka_unit_test(bad_arguments_are_named_and_reset),
		cmocka_unit_test(all_jobs_needs_a_spool),
		cmocka_unit_test(sample_takes_a_duration_of_a_second_or_more),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
