/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers and states in words, the same in every format of the report. */
#include "diagnose/diagnose_sizes.h"
#include "report/report_impl.h"

void report_bytes(int64_t bytes, char *buf, size_t len)
{
	if (bytes <= 0)
		snprintf(buf, len, "-");
	else
		diagnose_format_bytes((uint64_t)bytes, buf, len);
}

void report_seconds(double seconds, char *buf, size_t len)
{
	if (seconds < 0)
		snprintf(buf, len, "-");
	else
		diagnose_format_duration(seconds, buf, len);
}

void report_orchestrator_text(const struct diagnosis *dx, char *buf, size_t len)
{
	switch (dx->orchestrator) {
	case DX_ORCH_FINISHED:
		snprintf(buf, len, "%s", "");
		break;
	case DX_ORCH_ALIVE:
		snprintf(buf, len, "in progress (pid %ld on %s follows it)", dx->holder.pid,
			 dx->holder.host);
		break;
	case DX_ORCH_GONE:
		snprintf(buf, len, "its orchestrator (pid %ld) is gone: `scalable watch` "
			 "re-attaches", dx->holder.pid);
		break;
	default:
		snprintf(buf, len, "%s", "in progress, or its orchestrator died");
	}
}

bool report_is_escalation(const struct report_component *c, const struct dx_request *r)
{
	int64_t base = c->configured_request;

	if (base <= 0 && c->requests && c->requests->count)
		base = c->requests->items[0].bytes;  /* by size: the smallest */
	return r->bytes > 0 && r->bytes > base;
}

void report_escalations_text(const struct report_component *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (uint8_t i = 0; c->requests && i < c->requests->count && n < len; i++) {
		const struct dx_request *r = &c->requests->items[i];
		char size[32];

		if (!report_is_escalation(c, r))
			continue;
		diagnose_format_bytes((uint64_t)r->bytes, size, sizeof size);
		n += (size_t)snprintf(buf + n, len - n, "%s%s ×%u", n ? ", " : "", size, r->attempts);
	}
	if (!n)
		snprintf(buf, len, "-");
}
