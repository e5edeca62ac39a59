/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "curl_protocols.h"
#include "http_forward.h"

#include <dlfcn.h>
#include <errno.h>

/* Time the parent allows beyond curl's own timeout for fork, exit and reaping. */
#define HTTP_WAIT_MARGIN_MS 250

/* libcurl and its dependency tree are loaded in the forked child only, and
 * only when a collector is configured: linking it would make every
 * slurmstepd (and sbatch, srun) load TLS, HTTP/2 and SSH libraries. */
#define LIBCURL_SONAME "libcurl.so.4"

struct curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	void (*easy_cleanup)(CURL *curl);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
	void (*slist_free_all)(struct curl_slist *list);
};

struct post_request {
	const char *url;
	const char *body;
	size_t len;
	long timeout_ms;
};

/* Resolves the few libcurl functions the POST needs; returns 0 or -1. */
static int load_curl(struct curl_api *api)
{
	void *lib = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return -1;
	*(void **)&api->global_init = dlsym(lib, "curl_global_init");
	*(void **)&api->easy_init = dlsym(lib, "curl_easy_init");
	*(void **)&api->easy_setopt = dlsym(lib, "curl_easy_setopt");
	*(void **)&api->easy_perform = dlsym(lib, "curl_easy_perform");
	*(void **)&api->easy_cleanup = dlsym(lib, "curl_easy_cleanup");
	*(void **)&api->slist_append = dlsym(lib, "curl_slist_append");
	*(void **)&api->slist_free_all = dlsym(lib, "curl_slist_free_all");
	return (api->global_init && api->easy_init && api->easy_setopt && api->easy_perform &&
		api->easy_cleanup && api->slist_append && api->slist_free_all) ? 0 : -1;
}

/* Discards the collector's response body. */
static size_t discard_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr;
	(void)userdata;
	return size * nmemb;
}

static void set_options(const struct curl_api *api, CURL *curl, const struct post_request *req,
			struct curl_slist *headers)
{
	api->easy_setopt(curl, CURLOPT_URL, req->url);
	api->easy_setopt(curl, CURLOPT_POSTFIELDS, req->body);
	api->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->len);
	api->easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	api->easy_setopt(curl, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	api->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
	api->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	api->easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
	api->easy_setopt(curl, CURL_PROTOCOLS_OPTION, CURL_PROTOCOLS_HTTP_HTTPS);
	api->easy_setopt(curl, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
}

static int post_in_child(void *arg)
{
	const struct post_request *req = arg;
	struct curl_api api;
	if (load_curl(&api) != 0)
		return ENOENT;
	if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return EIO;
	CURL *curl = api.easy_init();
	if (!curl)
		return ENOMEM;
	struct curl_slist *headers = api.slist_append(NULL, "Content-Type: application/json");
	set_options(&api, curl, req, headers);
	CURLcode rc = api.easy_perform(curl);
	api.slist_free_all(headers);
	api.easy_cleanup(curl);
	return rc == CURLE_OK ? 0 : (rc == CURLE_OPERATION_TIMEDOUT ? ETIMEDOUT : EIO);
}

enum child_result http_forward_post(const struct job_identity *who, const char *url,
				    const char *body, size_t len, int timeout_ms, int *err)
{
	struct post_request req = { url, body, len, timeout_ms };
	return run_in_child(who, timeout_ms + HTTP_WAIT_MARGIN_MS, post_in_child, &req, err);
}
