/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the orchestrator writes into the records it produces (run.json,
 * the local target's step events) as their "producer": its name and the
 * version of AC_INIT in configure.ac, the only place the version is written.
 *
 * Tests: tests/cli/version.sh */
#ifndef SCALABLE_PRODUCER_H
#define SCALABLE_PRODUCER_H

#include "config.h"

#define SCALABLE_PRODUCER "scalable " PACKAGE_VERSION

#endif
