/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Optional forwarding of event lines to an HTTP collector: a POST from a
 * forked child running as the job user, under a hard timeout. libcurl is
 * initialised only in the child (curl_global_init is not thread-safe).
 *
 * Tests: tests/integration/plugin.bats (delivery to a collector on 127.0.0.1;
 * a hanging collector bounded). */
#ifndef SCALABLE_HTTP_FORWARD_H
#define SCALABLE_HTTP_FORWARD_H

#include <stddef.h>

#include "child_process.h"

/* POSTs body (application/json) to url; the whole exchange is bounded by
 * timeout_ms, and the step waits no longer than that plus a small margin. */
enum child_result http_forward_post(const struct job_identity *who, const char *url,
				    const char *body, size_t len, int timeout_ms, int *err);

#endif
