/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The plugin's name and version as it says them: in its line at load and in
 * every step event's "producer". The version is AC_INIT's in configure.ac,
 * the only place it is written.
 *
 * Tests: tests/cli/version.sh */
#ifndef SCALABLE_PLUGIN_VERSION_H
#define SCALABLE_PLUGIN_VERSION_H

#include "config.h"

#define SPANK_SCALABLE_PRODUCER "spank_scalable " PACKAGE_VERSION

#endif
