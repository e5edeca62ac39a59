/* SPDX-License-Identifier: GPL-2.0-or-later */
/* url_parts: the scheme and host http_post's rules judge, the same with
 * libcurl's parser and with our own (a build with --enable-curl-legacy runs
 * these against the latter: tests/run's curl-legacy stage). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/http/url_parts.h"

/* url splits into scheme and host. */
static void expect_parts(const char *url, const char *scheme, const char *host)
{
	char *s = NULL, *h = NULL;

	assert_true(url_parts(url, &s, &h));
	assert_string_equal(s, scheme);
	assert_string_equal(h, host);
	free(s);
	free(h);
}

/* url is refused, or its host is not the loopback that hides in it. */
static void expect_not_loopback(const char *url)
{
	char *s = NULL, *h = NULL;

	if (url_parts(url, &s, &h))
		assert_true(strcmp(h, "127.0.0.1") != 0 && strcmp(h, "localhost") != 0);
	else
		assert_true(s == NULL && h == NULL);
	free(s);
	free(h);
}

static void test_plain_urls(void **state)
{
	(void)state;
	expect_parts("https://hooks.example.org/services/T0/B0", "https", "hooks.example.org");
	expect_parts("HTTPS://Example.ORG/x", "https", "Example.ORG");
	expect_parts("http://127.0.0.1:8080/v1/chat", "http", "127.0.0.1");
	expect_parts("http://localhost/", "http", "localhost");
	expect_parts("http://[::1]:9000/hook", "http", "[::1]");
	expect_parts("https://example.org?q=1", "https", "example.org");
	expect_parts("https://example.org#frag", "https", "example.org");
	expect_parts("ftp://files.example.org/x", "ftp", "files.example.org");
}

static void test_not_urls(void **state)
{
	char *s = (char *)"x", *h = (char *)"x";

	(void)state;
	assert_false(url_parts("example.org", &s, &h));
	assert_null(s);
	assert_null(h);
	assert_false(url_parts("://example.org", &s, &h));
	assert_false(url_parts("http://a b/", &s, &h));
	assert_false(url_parts("", &s, &h));
}

/* Where a host could be read two ways, never the loopback's way. */
static void test_no_loopback_smuggled(void **state)
{
	(void)state;
	expect_not_loopback("http://127.0.0.1@evil.example.org/");
	expect_not_loopback("http://localhost:80@evil.example.org/");
	expect_not_loopback("http://evil.example.org#@127.0.0.1/");
	expect_not_loopback("http://evil.example.org?@127.0.0.1/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_urls),
		cmocka_unit_test(test_not_urls),
		cmocka_unit_test(test_no_loopback_smuggled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
