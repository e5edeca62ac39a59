/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pattern of a failure message: what is left when the parts that differ
 * from one task to the next are replaced by placeholders, so that
 * "OOM: scenario 7 exceeded memory limit" and "OOM: scenario 14 ..." count
 * as one: "OOM: scenario <N> exceeded memory limit".
 *
 *   <PATH>  a word holding a '/' with a letter in it ("/data/in_7.csv:" keeps
 *           its ':'), so "1/8" stays a pair of numbers;
 *   <HEX>   0x... and runs of 8 or more hex digits with a digit among them
 *           (addresses, hashes, the groups of a UUID);
 *   <N>     every run of digits, with its decimal, thousands or clock
 *           separators ("3.14", "1,000", "12:30:01"); a unit stays ("<N>G").
 * Runs of blanks become one space; the result is cut at len - 1 bytes.
 *
 * Tests: orchestrator/diagnose/test/test_diagnose_parts.c. */
#ifndef SCALABLE_DIAGNOSE_PATTERN_H
#define SCALABLE_DIAGNOSE_PATTERN_H

#include <stddef.h>

/* Writes message's pattern into out; returns its length. */
size_t diagnose_pattern(const char *message, char *out, size_t len);

#endif
