/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text from outside (what tasks print, what Slurm and the environment say)
 * made fit for JSON and for the screen: jansson refuses a string that is
 * not valid UTF-8, so one stray Latin-1 byte in a task's stderr would stop
 * a record from being written at all.
 *
 * Tests: orchestrator/lib/util/test/test_utf8_text.c. */
#ifndef SCALABLE_UTF8_TEXT_H
#define SCALABLE_UTF8_TEXT_H

#include <jansson.h>
#include <stddef.h>

/* The length of the valid UTF-8 sequence at p (1 to 4), or 0 when p does
 * not start one (a stray continuation byte, an overlong form, a surrogate,
 * a value past U+10FFFF, a sequence cut by the end of the string). */
size_t utf8_char_length(const unsigned char *p);

/* Makes text valid UTF-8 in place: each byte that does not belong to a
 * valid sequence becomes '?'. NULL is a no-op. */
void utf8_fix(char *text);

/* n, or less, so that buf[0..n) ends on a whole UTF-8 character. */
size_t utf8_whole(const char *buf, size_t n);

/* Encodes code point cp as UTF-8 into out; returns the byte count. */
size_t utf8_encode(unsigned long cp, char out[4]);

/* A JSON string of text, made valid UTF-8 first when it is not; NULL for
 * NULL text (so json_pack's "o?" writes null) or when out of memory. */
json_t *json_text(const char *text);

#endif
