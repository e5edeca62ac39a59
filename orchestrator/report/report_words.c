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
