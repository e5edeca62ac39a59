/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One HTTP POST of JSON over libcurl (see http_post.h). */
#include "curl_protocols.h"
#include "lib/http/http_post.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/http/url_parts.h"

#define CONNECT_TIMEOUT_MAX_S 10u

/* localhost, 127.0.0.0/8 or [::1]. */
static bool host_is_loopback(const char *host)
{
	struct in_addr v4;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return true;
	return inet_pton(AF_INET, host, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

/* Like http_url_allowed; *loopback tells whether the host is the loopback. */
static bool url_allowed(const char *url, bool *loopback, char *why, size_t why_len)
{
	char *scheme = NULL, *host = NULL;
	bool ok = false;

	*loopback = false;
	if (!url || !url_parts(url, &scheme, &host))
		snprintf(why, why_len, "not a URL");
	else if (strcmp(scheme, "https") == 0)
		ok = true, *loopback = host_is_loopback(host);
	else if (strcmp(scheme, "http") == 0 && host_is_loopback(host))
		ok = true, *loopback = true;
	else if (strcmp(scheme, "http") == 0)
		snprintf(why, why_len, "plain http:// is allowed to the loopback only "
			 "(use https://)");
	else
		snprintf(why, why_len, "scheme '%s' is not https", scheme);
	free(scheme);
	free(host);
	return ok;
}

bool http_url_allowed(const char *url, char *why, size_t why_len)
{
	bool loopback;

	return url_allowed(url, &loopback, why, why_len);
}

void http_url_host(const char *url, char *buf, size_t len)
{
	char *scheme = NULL, *host = NULL;

	snprintf(buf, len, "%s", url && url_parts(url, &scheme, &host) ? host : "?");
	free(scheme);
	free(host);
}

struct sink {
	struct http_response *resp;
	size_t cap;
	bool too_large;
};

/* Keeps the answer up to the cap; returning less than given stops curl. */
static size_t keep(char *data, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t len = size * n;
	char *grown;

	if (len > s->cap - s->resp->length) {
		s->too_large = true;
		return 0;
	}
	if (!(grown = realloc(s->resp->body, s->resp->length + len + 1)))
		return 0;
	memcpy(grown + s->resp->length, data, len);
	s->resp->length += len;
	grown[s->resp->length] = '\0';
	s->resp->body = grown;
	return len;
}

/* Once per process; libcurl's own is not thread-safe (docs/design.md). */
static bool global_init(void)
{
	static int state;  /* 0 not yet, 1 done, -1 failed */

	if (state == 0)
		state = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 1 : -1;
	return state == 1;
}

/* The headers: JSON in and out, and the key when there is one. */
static struct curl_slist *headers(const char *bearer)
{
	struct curl_slist *list = NULL, *next;
	char *auth = NULL;

	if (!(list = curl_slist_append(NULL, "Content-Type: application/json")) ||
	    !(next = curl_slist_append(list, "Accept: application/json")))
		goto fail;
	list = next;
	if (!bearer)
		return list;
	if (asprintf(&auth, "Authorization: Bearer %s", bearer) < 0 ||
	    !(next = curl_slist_append(list, auth)))
		goto fail;
	explicit_bzero(auth, strlen(auth));
	free(auth);
	return next;
fail:
	free(auth);
	curl_slist_free_all(list);
	return NULL;
}

/* The options every request gets: the rules of http_post.h. */
static void set_options(CURL *curl, const struct http_post *req, bool loopback,
			struct curl_slist *list, struct sink *sink, char *errbuf)
{
	unsigned connect = req->connect_timeout_s ? req->connect_timeout_s : req->timeout_s;

	if (connect > CONNECT_TIMEOUT_MAX_S)
		connect = CONNECT_TIMEOUT_MAX_S;
	curl_easy_setopt(curl, CURLOPT_URL, req->url);
	curl_easy_setopt(curl, CURL_PROTOCOLS_OPTION,
			 loopback ? CURL_PROTOCOLS_HTTP_HTTPS : CURL_PROTOCOLS_HTTPS);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (loopback)
		curl_easy_setopt(curl, CURLOPT_PROXY, "");  /* never through a proxy */
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)connect);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)req->timeout_s);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->json_body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(req->json_body));
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)sink->cap);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "scalable");
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
}

/* The reason a transfer failed, in one line. */
static void failure(CURLcode rc, const struct sink *sink, const struct http_post *req,
		    const char *errbuf, char *why, size_t why_len)
{
	if (sink->too_large || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(why, why_len, "response larger than %zu bytes", sink->cap);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(why, why_len, "no answer within %us", req->timeout_s);
	else
		snprintf(why, why_len, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
}

/* curl_easy_perform with SIGPIPE ignored: with CURLOPT_NOSIGNAL libcurl
 * leaves it alone, and a peer that hangs up mid-TLS-write would kill us. */
static CURLcode perform(CURL *curl)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	bool restore = sigaction(SIGPIPE, &ignore, &old) == 0;
	CURLcode rc = curl_easy_perform(curl);

	if (restore)
		sigaction(SIGPIPE, &old, NULL);
	return rc;
}

int http_post_json(const struct http_post *req, struct http_response *resp, char *why,
		   size_t why_len)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink sink = { resp, req->max_response ? req->max_response
						     : HTTP_POST_MAX_RESPONSE, false };
	struct curl_slist *list;
	bool loopback;
	CURL *curl;
	CURLcode rc;

	memset(resp, 0, sizeof *resp);
	if (!url_allowed(req->url, &loopback, why, why_len))
		return -1;
	if (req->timeout_s == 0) {
		snprintf(why, why_len, "no timeout");
		return -1;
	}
	if (!global_init() || !(curl = curl_easy_init())) {
		snprintf(why, why_len, "cannot start libcurl");
		return -1;
	}
	if (!(list = headers(req->bearer))) {
		curl_easy_cleanup(curl);
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	set_options(curl, req, loopback, list, &sink, errbuf);
	rc = perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
	else
		failure(rc, &sink, req, errbuf, why, why_len);
	curl_easy_cleanup(curl);
	curl_slist_free_all(list);  /* holds the key: libcurl frees, cannot wipe */
	if (rc != CURLE_OK)
		http_response_clear(resp);
	return rc == CURLE_OK ? 0 : -1;
}

void http_response_clear(struct http_response *resp)
{
	free(resp->body);
	memset(resp, 0, sizeof *resp);
}
