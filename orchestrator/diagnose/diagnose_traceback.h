/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a failed attempt's stderr tail points: in a Python traceback, the
 * innermost frame outside the standard library and installed packages
 * ("File \"/home/u/model.py\", line 3, in <module>: import pandas"), else
 * the first line that names an error.
 *
 * Tests: orchestrator/diagnose/test/test_diagnose_parts.c. */
#ifndef SCALABLE_DIAGNOSE_TRACEBACK_H
#define SCALABLE_DIAGNOSE_TRACEBACK_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the line into buf; false when the traceback names none. */
bool dx_offending_line(const char *traceback, char *buf, size_t len);

#endif
