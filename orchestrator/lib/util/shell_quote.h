/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Quoting values for bash so that they stay text: nothing in a quoted value
 * is ever expanded, substituted or split. */
#ifndef SCALABLE_SHELL_QUOTE_H
#define SCALABLE_SHELL_QUOTE_H

#include <stdbool.h>

#include "lib/util/strbuf.h"

/* True when value needs no quoting (letters, digits and _ - . / : = , + @ %). */
bool shell_word_is_safe(const char *value);
/* Appends value as one shell word: verbatim when safe, else in single quotes
 * with each ' written as '\'' (so "$(touch pwned)" stays text). */
int shell_quote(struct strbuf *out, const char *value);
/* Like shell_quote, but always on one line: a value holding control
 * characters (a newline, say) is written in bash's $'...' form instead. */
int shell_quote_line(struct strbuf *out, const char *value);

#endif
