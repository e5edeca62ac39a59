/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One node of a Slurm node list (see node_list.h). */
#include "node_list.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_DIGITS 9   /* Slurm's host ranges stay far below 10^9 */

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* Reads a number of at most MAX_DIGITS digits; its digit count in *width. */
static const char *number(const char *p, unsigned long *value, int *width)
{
	int n = 0;

	*value = 0;
	while (isdigit((unsigned char)p[n]) && n < MAX_DIGITS)
		*value = 10 * *value + (unsigned long)(p[n++] - '0');
	*width = n;
	return n && !isdigit((unsigned char)p[n]) ? p + n : NULL;
}

/* Writes prefix, the number padded to width, and suffix; 0 or -1. */
static int compose(const char *prefix, size_t prefix_len, unsigned long number, int width,
		   const char *suffix, size_t suffix_len, char *out, size_t len)
{
	int n = snprintf(out, len, "%.*s%0*lu%.*s", (int)prefix_len, prefix, width, number,
			 (int)suffix_len, suffix);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* The item "prefix[ranges]suffix" (ending at end), whose ranges hold
 * *index names or more: writes the one at *index and returns 1; else
 * subtracts its count from *index and returns 0; -1 when malformed. */
static int pick_in_ranges(const char *item, const char *end, uint32_t *index, char *out,
			  size_t len)
{
	const char *open = memchr(item, '[', (size_t)(end - item));
	const char *close = open ? memchr(open, ']', (size_t)(end - open)) : NULL;
	const char *p;

	if (!close || memchr(close + 1, '[', (size_t)(end - close - 1)))
		return -1;  /* no group closed, or a second group */
	for (p = close + 1; p < end; p++)
		if (!name_char(*p))
			return -1;
	for (p = open + 1; p < close;) {
		unsigned long low, high;
		int width, high_width;

		p = number(p, &low, &width);
		if (!p)
			return -1;
		high = low;
		if (*p == '-' && (!(p = number(p + 1, &high, &high_width)) || high < low))
			return -1;
		if (*p != ',' && p != close)
			return -1;
		if (*p == ',')
			p++;
		if (high - low >= *index)
			return compose(item, (size_t)(open - item), low + *index, width, close + 1,
				       (size_t)(end - close - 1), out, len) == 0 ? 1 : -1;
		*index -= (uint32_t)(high - low + 1);
	}
	return 0;
}

int node_list_pick(const char *list, uint32_t index, char *out, size_t len)
{
	const char *item = list;

	while (*item) {
		const char *end = item;
		int depth = 0, found;

		/* an item ends at a comma outside brackets */
		for (; *end && (*end != ',' || depth); end++) {
			if (*end == '[')
				depth++;
			else if (*end == ']')
				depth--;
			else if (!depth && !name_char(*end))
				return -1;
			if (depth < 0 || depth > 1)
				return -1;
		}
		if (end == item || depth)
			return -1;
		if (memchr(item, '[', (size_t)(end - item))) {
			found = pick_in_ranges(item, end, &index, out, len);
			if (found)
				return found > 0 ? 0 : -1;
		} else if (index-- == 0) {
			if ((size_t)(end - item) >= len)
				return -1;
			memcpy(out, item, (size_t)(end - item));
			out[end - item] = '\0';
			return 0;
		}
		item = *end ? end + 1 : end;
	}
	return -1;
}
