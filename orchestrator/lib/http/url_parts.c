/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scheme and host of a URL (see url_parts.h). */
#include "config.h"
#include "lib/http/url_parts.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#ifdef SCALABLE_CURL_URL_API
#include <curl/curl.h>

/* libcurl's copy as a malloc'd one (curl_free and free need not be one). */
static char *own_copy(char *curl_string)
{
	char *copy = curl_string ? strdup(curl_string) : NULL;

	curl_free(curl_string);
	return copy;
}

/* libcurl's parser: what it parses is what it connects to. */
static bool split(const char *url, char **scheme, char **host)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL;
	bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK;

	curl_url_cleanup(u);
	*scheme = own_copy(s);
	*host = own_copy(h);
	return ok && *scheme && *host;
}
#else

/* Printable ASCII without spaces and backslashes (read as '/' by some). */
static bool plain(const char *url)
{
	for (const unsigned char *c = (const unsigned char *)url; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '\\')
			return false;
	return true;
}

/* The length of the host at the start of the authority auth (len bytes):
 * a name or IPv4 address up to a port, or a bracketed IPv6 address; 0 when
 * there is none or a port that is not digits follows it. */
static size_t host_length(const char *auth, size_t len)
{
	const char *close = auth[0] == '[' ? memchr(auth, ']', len) : NULL;
	size_t n = auth[0] == '[' ? (close ? (size_t)(close - auth) + 1 : 0)
				  : strcspn(auth, ":/?#");

	if (n == 0 || n > len || (n < len && auth[n] != ':'))
		return 0;
	for (size_t i = n + 1; i < len; i++)
		if (!isdigit((unsigned char)auth[i]))
			return 0;
	return n;
}

/* Our own strict split, for a libcurl without curl_url (before 7.62). */
static bool split(const char *url, char **scheme, char **host)
{
	const char *sep = plain(url) ? strstr(url, "://") : NULL;
	const char *auth = sep ? sep + 3 : NULL;
	size_t len = auth ? strcspn(auth, "/?#") : 0, n;

	*scheme = *host = NULL;
	if (!sep || sep == url || !isalpha((unsigned char)url[0]) ||
	    strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") !=
		    (size_t)(sep - url) ||
	    memchr(auth, '@', len) || !(n = host_length(auth, len)))
		return false;
	*scheme = strndup(url, (size_t)(sep - url));
	*host = strndup(auth, n);
	for (char *c = *scheme; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return *scheme && *host;
}
#endif

bool url_parts(const char *url, char **scheme, char **host)
{
	if (split(url, scheme, host))
		return true;
	free(*scheme);
	free(*host);
	*scheme = *host = NULL;
	return false;
}
