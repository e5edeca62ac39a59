/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tables of memory requests (see dx_requests_add): how many attempts asked
 * each size and how much the largest of them used, so that evidence sets
 * each request against its own peaks and the report tells the configured
 * request from its escalations. */
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_impl.h"

/* The entry of bytes, made in size order when new; NULL when the table is
 * full (or memory ran out: *oom). */
static struct dx_request *entry(struct dx_requests *t, int64_t bytes, bool *oom)
{
	uint8_t at = 0;

	if (!t->items && !(t->items = calloc(DX_REQUESTS, sizeof *t->items))) {
		*oom = true;
		return NULL;
	}
	while (at < t->count && t->items[at].bytes < bytes)
		at++;
	if (at < t->count && t->items[at].bytes == bytes)
		return &t->items[at];
	if (t->count == DX_REQUESTS) {
		t->more = true;
		return NULL;
	}
	memmove(&t->items[at + 1], &t->items[at], (t->count - at) * sizeof *t->items);
	t->count++;
	t->items[at] = (struct dx_request){ .bytes = bytes };
	return &t->items[at];
}

int dx_requests_add(struct dx_requests *t, int64_t bytes, int64_t peak)
{
	bool oom = false;
	struct dx_request *r = entry(t, bytes > 0 ? bytes : 0, &oom);

	if (!r)
		return oom ? -1 : 0;
	r->attempts++;
	if (peak > 0) {
		r->measured++;
		if (peak > r->peak)
			r->peak = peak;
	}
	return 0;
}

int dx_requests_merge(struct dx_requests *to, const struct dx_requests *from)
{
	bool oom = false;

	to->more |= from->more;
	for (uint8_t i = 0; i < from->count; i++) {
		const struct dx_request *f = &from->items[i];
		struct dx_request *r = entry(to, f->bytes, &oom);

		if (oom)
			return -1;
		if (!r)
			continue;
		r->attempts += f->attempts;
		r->measured += f->measured;
		if (f->peak > r->peak)
			r->peak = f->peak;
	}
	return 0;
}

void dx_requests_free(struct dx_requests *t)
{
	free(t->items);
	memset(t, 0, sizeof *t);
}
