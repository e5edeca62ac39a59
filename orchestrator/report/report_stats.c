/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spread of a component's peaks or durations (see report_spread_of):
 * nearest-rank percentiles, as diagnose computes them. */
#include "diagnose/diagnose_sizes.h"
#include "report/report_impl.h"

struct report_spread report_spread_of(float *values, size_t n)
{
	struct report_spread s = { .count = n };

	if (n == 0)
		return s;
	s.min = values[0];
	for (size_t i = 1; i < n; i++)
		if (values[i] < s.min)
			s.min = values[i];
	s.median = diagnose_percentile(values, n, 0.5);
	s.p95 = diagnose_percentile(values, n, 0.95);
	s.max = diagnose_percentile(values, n, 1.0);
	return s;
}
