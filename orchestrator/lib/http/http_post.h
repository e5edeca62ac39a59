/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One HTTP POST of a JSON body over libcurl, for the outside services a run
 * may talk to (notify's webhook, diagnose --ai's chat endpoint), with the
 * rules both need:
 *
 *  - https:// only, with TLS verification (peer and host name) always on;
 *    plain http:// is refused unless the host is the loopback (localhost,
 *    127.0.0.0/8, [::1]), so a key or a webhook secret never travels in clear;
 *  - no redirects followed at all (a 3xx is an HTTP error), so a body or a
 *    key never reaches another host;
 *  - a connect timeout and a total timeout, and a cap on the response size;
 *  - proxies: libcurl's usual environment variables (https_proxy,
 *    HTTPS_PROXY, no_proxy; http_proxy for http://) are honoured for remote
 *    hosts, where a cluster often needs them (TLS still runs end to end
 *    through the proxy's tunnel); never for the loopback.
 *
 * Not thread-safe on the first call (curl_global_init): call it from the
 * main thread, or from a forked child.
 *
 * Tests: orchestrator/run/test/test_ai_notify.c, tests/cli/ai_notify.sh
 * (limits, TLS, redirects). */
#ifndef SCALABLE_HTTP_POST_H
#define SCALABLE_HTTP_POST_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_POST_MAX_RESPONSE (1024u * 1024u)

struct http_post {
	const char *url;
	const char *json_body;
	const char *bearer;            /* "Authorization: Bearer ..."; NULL: none */
	unsigned connect_timeout_s;    /* 0: the total timeout */
	unsigned timeout_s;            /* the whole exchange; must be > 0 */
	size_t max_response;           /* 0: HTTP_POST_MAX_RESPONSE */
};

struct http_response {
	long status;                   /* 0 when no answer came */
	char *body;                    /* NUL-terminated; NULL when none */
	size_t length;
};

/* Whether url may be used: https://, or http:// to the loopback. On false,
 * why (a short phrase) is written into why. */
bool http_url_allowed(const char *url, char *why, size_t why_len);

/* The host of url, for messages that must not show the URL itself (a
 * webhook's path is its secret); "?" when there is none. */
void http_url_host(const char *url, char *buf, size_t len);

/* POSTs the body. Returns 0 when an answer came (any status; the caller
 * judges it), else -1 with a one-line reason in why: refused URL,
 * connection refused, timeout, TLS failure, response too large. */
int http_post_json(const struct http_post *req, struct http_response *resp, char *why,
		   size_t why_len);
void http_response_clear(struct http_response *resp);

#endif
