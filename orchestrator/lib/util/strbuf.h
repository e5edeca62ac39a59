/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A growable string: what renderers append to. */
#ifndef SCALABLE_STRBUF_H
#define SCALABLE_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *text;        /* NUL-terminated once anything was appended */
	size_t len, capacity;
};

int strbuf_append(struct strbuf *sb, const char *text, size_t len);
int strbuf_puts(struct strbuf *sb, const char *text);
int strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the text over (never NULL on success) and empties sb. */
char *strbuf_release(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
