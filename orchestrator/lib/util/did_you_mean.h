/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The closest known word to a misspelt one, for "did you mean ...?" hints. */
#ifndef SCALABLE_DID_YOU_MEAN_H
#define SCALABLE_DID_YOU_MEAN_H

#include <stddef.h>

/* Edit distance between a and b: Levenshtein, with a swap of two
 * neighbouring characters counted as one edit. */
size_t edit_distance(const char *a, const char *b);
/* The candidate nearest to word, if close enough to be a likely typo (at
 * most a third of its length, at least 1, away); NULL otherwise. */
const char *did_you_mean(const char *word, const char *const *candidates, size_t n);

#endif
