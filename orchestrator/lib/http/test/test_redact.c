/* SPDX-License-Identifier: GPL-2.0-or-later */
/* redact_secrets: every kind of secret redact.h names goes, and the
 * evidence around it (error names, paths, numbers, KeyError:) stays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/http/redact.h"

/* redact_secrets(text) is expected. */
static void expect_redacted(const char *text, const char *expected)
{
	char *got = redact_secrets(text);

	assert_non_null(got);
	assert_string_equal(got, expected);
	free(got);
}

static void test_key_value(void **state)
{
	(void)state;
	expect_redacted("connecting with password=hunter2 to db",
			"connecting with password=[REDACTED] to db");
	expect_redacted("DB_PASSWORD='two words' next", "DB_PASSWORD='[REDACTED]' next");
	expect_redacted("api_key: abc123", "api_key: [REDACTED]");
	expect_redacted("{\"access_token\": \"tok-1\", \"n\": 3}",
			"{\"access_token\": \"[REDACTED]\", \"n\": 3}");
	expect_redacted("AWS_SECRET_ACCESS_KEY=wJalrXUtn/K7MDENG/bPxRfiCY",
			"AWS_SECRET_ACCESS_KEY=[REDACTED]");
	expect_redacted("https://x/cb?code=1&client_secret=s3cr3t&y=2",
			"https://x/cb?code=1&client_secret=[REDACTED]&y=2");
}

static void test_authorization(void **state)
{
	(void)state;
	expect_redacted("Authorization: Digest user=x, nonce=y\nnext line",
			"Authorization: [REDACTED]\nnext line");
	expect_redacted("curl -H 'Authorization: Bearer abc.def-ghi'",
			"curl -H 'Authorization: [REDACTED]");  /* the rest of the line */
	expect_redacted("sent bearer eyJhbGciOi.payload.sig to api",
			"sent bearer [REDACTED] to api");
	expect_redacted("Basic dXNlcjpwYXNz", "Basic [REDACTED]");
}

static void test_prefixed_tokens(void **state)
{
	(void)state;
	expect_redacted("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 bad",
			"token ghp_[REDACTED] bad");
	expect_redacted("github_pat_11ABCDEFG0123456789_abcdef", "github_pat_[REDACTED]");
	expect_redacted("slack xoxb-123456789012-abcdefghijkl.", "slack xoxb-[REDACTED].");
	expect_redacted("key id AKIAIOSFODNN7EXAMPLE here", "key id AKIA[REDACTED] here");
	expect_redacted("openai sk-proj-abcdefgh12345678", "openai sk-[REDACTED]");
	expect_redacted("gitlab glpat-abcdefgh12345678", "gitlab glpat-[REDACTED]");
}

static void test_url_userinfo(void **state)
{
	(void)state;
	expect_redacted("fetching https://alice:pa55@example.org/data.csv failed",
			"fetching https://[REDACTED]@example.org/data.csv failed");
	expect_redacted("postgres://u:p@db:5432/x", "postgres://[REDACTED]@db:5432/x");
	expect_redacted("see https://example.org/a@b", "see https://example.org/a@b");
}

static void test_long_runs(void **state)
{
	(void)state;
	expect_redacted("digest 0123456789abcdef0123456789abcdef01 ok", "digest [REDACTED] ok");
	expect_redacted("blob QWxhZGRpbjpvcGVuIHNlc2FtZQ0123456789xyzA= end",
			"blob [REDACTED] end");
	/* 31 hex digits, and a long lower-case word: kept */
	expect_redacted("id 0123456789abcdef0123456789abcde", "id 0123456789abcdef0123456789abcde");
	expect_redacted("/home/user/projects/energy_demand/data/input_2026.csv",
			"/home/user/projects/energy_demand/data/input_2026.csv");
}

static void test_evidence_stays(void **state)
{
	(void)state;
	expect_redacted("KeyError: 'region'", "KeyError: 'region'");
	expect_redacted("MemoryError: scenario 17 exceeded 16G",
			"MemoryError: scenario 17 exceeded 16G");
	expect_redacted("  File \"/home/u/model.py\", line 3, in <module>",
			"  File \"/home/u/model.py\", line 3, in <module>");
	expect_redacted("task-12345678 on node c12", "task-12345678 on node c12");
	expect_redacted("password=", "password=");
	expect_redacted("", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_value),
		cmocka_unit_test(test_authorization),
		cmocka_unit_test(test_prefixed_tokens),
		cmocka_unit_test(test_url_userinfo),
		cmocka_unit_test(test_long_runs),
		cmocka_unit_test(test_evidence_stays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
