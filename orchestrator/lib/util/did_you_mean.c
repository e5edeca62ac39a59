/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Edit distance and nearest-candidate lookup. */
#include "lib/util/did_you_mean.h"

#include <stdlib.h>
#include <string.h>

/* min of three */
static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

size_t edit_distance(const char *a, const char *b)
{
	/* Optimal string alignment: insertions, deletions, substitutions and
	 * swaps of neighbours ("stpe" is one edit from "step"), on three rows. */
	size_t la = strlen(a), lb = strlen(b);
	size_t *rows = malloc(3 * (lb + 1) * sizeof *rows);
	size_t *two_up, *up, *row, result;

	if (!rows)
		return (size_t)-1;
	two_up = rows, up = rows + lb + 1, row = rows + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		up[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *oldest = two_up;

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			row[j] = min3(up[j] + 1, row[j - 1] + 1,
				      up[j - 1] + (a[i - 1] != b[j - 1]));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    two_up[j - 2] + 1 < row[j])
				row[j] = two_up[j - 2] + 1;
		}
		two_up = up, up = row, row = oldest;
	}
	result = up[lb];
	free(rows);
	return result;
}

const char *did_you_mean(const char *word, const char *const *candidates, size_t n)
{
	size_t limit = strlen(word) / 3;
	const char *best = NULL;
	size_t best_distance = (size_t)-1;

	if (limit < 1)
		limit = 1;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);

		if (d < best_distance) {
			best_distance = d;
			best = candidates[i];
		}
	}
	return best_distance <= limit ? best : NULL;
}
