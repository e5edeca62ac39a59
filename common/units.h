/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Strict parsing and formatting of memory sizes and time spans.
 *
 * Sizes follow Slurm's --mem: an integer with an optional binary suffix
 * K, M, G or T (case-insensitive; 1K = 1024 bytes); a plain integer is MiB.
 * "16GB", "16GiB", "1.5G", "-1", "0", "" and anything that overflows 64 bits
 * are rejected: a size must name a positive number of bytes exactly.
 *
 * Walltimes follow Slurm's --time: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM and
 * D-HH:MM:SS. Only the leading field may exceed its clock range (90:00 is 90
 * minutes); the others must be below 60 (or 24 for hours after "D-"). Zero is
 * rejected (Slurm would read it as "no limit").
 *
 * Durations (backoff delays, timeouts, poll intervals) are an integer with an
 * optional unit s, m, h or d; a plain integer is seconds. Zero is allowed.
 *
 * Parsers return true on success; on failure they set *why to a static text
 * saying what was expected, and leave the output untouched. */
#ifndef SCALABLE_UNITS_H
#define SCALABLE_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNITS_MIB ((uint64_t)1024 * 1024)

/* Reads a run of decimal digits at *p into *value, advancing *p; false if
 * there is no digit or the value overflows (then *p is unchanged). */
bool units_read_digits(const char **p, uint64_t *value);

bool units_parse_size(const char *text, uint64_t *bytes, const char **why);
bool units_parse_walltime(const char *text, uint64_t *seconds, const char **why);
bool units_parse_duration(const char *text, uint64_t *seconds, const char **why);

/* Slurm's --mem value: whole MiB rounded up with an "M" suffix ("4096M"). */
int units_format_mem(uint64_t bytes, char *buf, size_t len);
/* Slurm's --time value: "D-HH:MM:SS" ("0-01:30:00"). */
int units_format_walltime(uint64_t seconds, char *buf, size_t len);
/* For people: the largest binary unit that divides exactly ("16G", "1536M",
 * "100K", "7B"); units_parse_size reads it back except for plain bytes. */
int units_format_size(uint64_t bytes, char *buf, size_t len);

#endif
