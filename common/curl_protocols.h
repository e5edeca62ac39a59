/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Restricting the protocols a libcurl transfer may use, on libcurl 7.61 and
 * later: CURLOPT_PROTOCOLS_STR (7.85) when configure found it, else the
 * older CURLOPT_PROTOCOLS bitmask (configure --enable-curl-legacy takes that
 * path on a newer libcurl). Include it before <curl/curl.h>:
 *
 *   curl_easy_setopt(curl, CURL_PROTOCOLS_OPTION,
 *                    loopback ? CURL_PROTOCOLS_HTTP_HTTPS : CURL_PROTOCOLS_HTTPS);
 *
 * Tests: common/test/test_curl_protocols.c */
#ifndef SCALABLE_CURL_PROTOCOLS_H
#define SCALABLE_CURL_PROTOCOLS_H

#include "config.h"

#ifndef SCALABLE_CURL_PROTOCOLS_STR
/* CURLOPT_PROTOCOLS is deprecated from 7.85 on: no warning for using it here. */
#define CURL_DISABLE_DEPRECATION 1
#endif
#include <curl/curl.h>

#ifdef SCALABLE_CURL_PROTOCOLS_STR
#define CURL_PROTOCOLS_OPTION CURLOPT_PROTOCOLS_STR
#define CURL_PROTOCOLS_HTTPS "https"
#define CURL_PROTOCOLS_HTTP_HTTPS "http,https"
#else
#define CURL_PROTOCOLS_OPTION CURLOPT_PROTOCOLS
#define CURL_PROTOCOLS_HTTPS ((long)CURLPROTO_HTTPS)
#define CURL_PROTOCOLS_HTTP_HTTPS ((long)(CURLPROTO_HTTP | CURLPROTO_HTTPS))
#endif

#endif
