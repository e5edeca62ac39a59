/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The scheme and host of a URL, for http_post's rules (https only, plain
 * http to the loopback only). With libcurl 7.62 or later, libcurl's own
 * parser (curl_url) says them, so that the check sees what the transfer will
 * connect to; with an older libcurl (or configure --enable-curl-legacy) a
 * strict split of our own does, refusing what it could read otherwise than
 * libcurl might: credentials before the host, backslashes, spaces, control
 * and non-ASCII bytes. */
#ifndef SCALABLE_URL_PARTS_H
#define SCALABLE_URL_PARTS_H

#include <stdbool.h>

/* Sets *scheme (lower case) and *host (as written; an IPv6 address in its
 * brackets), both malloc'd, and returns true; false, with both NULL, when
 * url is not one. */
bool url_parts(const char *url, char **scheme, char **host);

#endif
