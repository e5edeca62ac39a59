/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Failure message patterns (see diagnose_pattern.h). */
#include "diagnose/diagnose_pattern.h"

#include <stdbool.h>
#include <string.h>

struct out {
	char *buf;
	size_t len, cap;   /* cap: bytes that may be written before the NUL */
};

static void put(struct out *o, const char *text, size_t n)
{
	if (n > o->cap - o->len)
		n = o->cap - o->len;
	memcpy(o->buf + o->len, text, n);
	o->len += n;
}

enum {
	WORD = 1,      /* letters, digits, '_' */
	PATH = 2,      /* what a path is made of: word characters and ./-~+@%= */
	DIGIT = 4,
	ALPHA = 8,
	HEXDIGIT = 16,
	SPACE = 32,
};

/* The classes of byte c (ASCII; other bytes are none of these), as a
 * constant expression: the table is built by the compiler, shared by the
 * threads without any initialisation. */
#define IN(c, lo, hi) ((c) >= (lo) && (c) <= (hi))
#define CLASS(c) \
	((IN(c, 'a', 'z') || IN(c, 'A', 'Z') ? WORD | PATH | ALPHA : 0) | \
	 (IN(c, '0', '9') ? WORD | PATH | DIGIT | HEXDIGIT : 0) | \
	 (IN(c, 'a', 'f') || IN(c, 'A', 'F') ? HEXDIGIT : 0) | \
	 ((c) == '_' ? WORD | PATH : 0) | \
	 ((c) == '.' || (c) == '/' || (c) == '-' || (c) == '~' || (c) == '+' || (c) == '@' || \
	  (c) == '%' || (c) == '=' ? PATH : 0) | \
	 ((c) == ' ' || IN(c, '\t', '\r') ? SPACE : 0))
#define ROW(c) CLASS(c), CLASS(c + 1), CLASS(c + 2), CLASS(c + 3), CLASS(c + 4), \
	CLASS(c + 5), CLASS(c + 6), CLASS(c + 7), CLASS(c + 8), CLASS(c + 9), CLASS(c + 10), \
	CLASS(c + 11), CLASS(c + 12), CLASS(c + 13), CLASS(c + 14), CLASS(c + 15)

static const unsigned char classes[256] = {
	ROW(0), ROW(16), ROW(32), ROW(48), ROW(64), ROW(80), ROW(96), ROW(112),
};

static bool is(char c, unsigned char k)
{
	return (classes[(unsigned char)c] & k) != 0;
}

static bool is_word(char c)
{
	return is(c, WORD);
}

static bool is_path_char(char c)
{
	return is(c, PATH);
}

/* The length of the path word at p, or 0 when there is none. */
static size_t path_at(const char *p)
{
	bool slash = false, letter = false;
	size_t n = 0;

	while (p[n] && is_path_char(p[n])) {
		slash |= p[n] == '/';
		letter |= is(p[n], ALPHA);
		n++;
	}
	if (!slash || !letter)
		return 0;
	while (n > 1 && (p[n - 1] == '.' || p[n - 1] == '-'))
		n--;  /* the end of the sentence is not part of the path */
	return n;
}

/* The length of a hex word at p (a whole word), or 0 when it is not one. */
static size_t hex_at(const char *p, size_t word)
{
	bool digit = false;

	if (word > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (size_t i = 2; i < word; i++)
			if (!is(p[i], HEXDIGIT))
				return 0;
		return word;
	}
	if (word < 8)
		return 0;
	for (size_t i = 0; i < word; i++) {
		if (!is(p[i], HEXDIGIT))
			return 0;
		digit |= is(p[i], DIGIT);
	}
	return digit ? word : 0;
}

/* The length of the number at p: digits joined by single '.', ',' or ':'. */
static size_t number_at(const char *p)
{
	size_t n = 0;

	for (;;) {
		while (is(p[n], DIGIT))
			n++;
		if ((p[n] == '.' || p[n] == ',' || p[n] == ':') && is(p[n + 1], DIGIT))
			n++;
		else
			return n;
	}
}

/* Writes the word at p (word bytes) with its digit runs replaced. */
static void put_word(struct out *o, const char *p, size_t word)
{
	size_t i = 0;

	if (hex_at(p, word)) {
		put(o, "<HEX>", 5);
		return;
	}
	while (i < word) {
		size_t run = 0, n;

		while (i + run < word && !is(p[i + run], DIGIT))
			run++;
		put(o, p + i, run);  /* letters as they are, in one copy */
		if ((i += run) == word)
			break;
		n = number_at(p + i);
		put(o, "<N>", 3);
		i += n < word - i ? n : word - i;
	}
}

size_t diagnose_pattern(const char *message, char *out, size_t len)
{
	struct out o = { out, 0, len ? len - 1 : 0 };
	const char *p = message ? message : "";
	size_t n;

	if (len == 0)
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && o.len < o.cap) {
		if ((p == message || !is_path_char(p[-1])) && (n = path_at(p))) {
			put(&o, "<PATH>", 6);
			p += n;
		} else if (is_word(*p)) {
			for (n = 0; is_word(p[n]); n++)
				;
			if (is(*p, DIGIT) && number_at(p) > n)
				n = number_at(p);  /* "3.14", "12:30:01": one number */
			put_word(&o, p, n);
			p += n;
		} else if (is(*p, SPACE)) {
			while (is(*p, SPACE))
				p++;
			if (*p)
				put(&o, " ", 1);
		} else {
			out[o.len++] = *p++;  /* punctuation: o.len < o.cap here */
		}
	}
	out[o.len] = '\0';
	return o.len;
}
