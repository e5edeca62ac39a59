/* SPDX-License-Identifier: GPL-2.0-or-later */
/* curl_protocols.h: the option and values it picks (CURLOPT_PROTOCOLS_STR,
 * or the 7.61 bitmask in a --enable-curl-legacy build) are taken by libcurl
 * and keep a transfer to what they allow: plain http is refused before any
 * connection when only https is allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "curl_protocols.h"

/* What libcurl answers to a POST to url (nothing listens on port 1) when
 * only https, or http and https, are allowed; the setopt must succeed. */
static CURLcode post_to(const char *url, bool https_only)
{
	CURL *curl = curl_easy_init();
	CURLcode rc;

	assert_non_null(curl);
	rc = curl_easy_setopt(curl, CURL_PROTOCOLS_OPTION,
			      https_only ? CURL_PROTOCOLS_HTTPS : CURL_PROTOCOLS_HTTP_HTTPS);
	assert_int_equal(rc, CURLE_OK);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "{}");
	curl_easy_setopt(curl, CURLOPT_PROXY, "");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
	rc = curl_easy_perform(curl);
	curl_easy_cleanup(curl);
	return rc;
}

static void test_https_only_refuses_http(void **state)
{
	(void)state;
	assert_int_equal(post_to("http://127.0.0.1:1/", true),
			 CURLE_UNSUPPORTED_PROTOCOL);
}

static void test_http_allowed_when_asked(void **state)
{
	(void)state;
	assert_int_equal(post_to("http://127.0.0.1:1/", false),
			 CURLE_COULDNT_CONNECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_https_only_refuses_http),
		cmocka_unit_test(test_http_allowed_when_asked),
	};
	assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
