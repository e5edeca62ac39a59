#include "http_forward.h"

#include <curl/curl.h>
#include <errno.h>

/* Time the parent allows beyond curl's own timeout for fork, exit and reaping. */
#define HTTP_WAIT_MARGIN_MS 250

struct post_request {
	const char *url;
	const char *body;
	size_t len;
	long timeout_ms;
};

/* Discards the collector's response body. */
static size_t discard_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * nmemb;
}

static int post_in_child(void *arg)
{
	const struct post_request *req = arg;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return EIO;
	CURL *curl = curl_easy_init();
	if (!curl)
		return ENOMEM;
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, req->url);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	CURLcode rc = curl_easy_perform(curl);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return rc == CURLE_OK ? 0 : (rc == CURLE_OPERATION_TIMEDOUT ? ETIMEDOUT : EIO);
}

enum child_result http_forward_post(const struct job_identity *who, const char *url,
				    const char *body, size_t len, int timeout_ms, int *err)
{
	struct post_request req = { url, body, len, timeout_ms };
	return run_in_child(who, timeout_ms + HTTP_WAIT_MARGIN_MS, post_in_child, &req, err);
}
