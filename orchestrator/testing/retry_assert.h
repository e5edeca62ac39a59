/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A check for the retry tests: two decisions the same, field by field, so
 * a failure names the field (a round trip through details.retry). */
#ifndef SCALABLE_TEST_RETRY_ASSERT_H
#define SCALABLE_TEST_RETRY_ASSERT_H

#include "retry/retry_decision.h"

/* Fails the test unless got equals want in every field but previous, which
 * details.retry does not carry: got's is 0. */
void assert_same_retry_decision(const struct retry_decision *want,
				const struct retry_decision *got);

#endif
