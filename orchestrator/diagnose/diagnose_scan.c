/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A forward-only scanner over one JSON object's text (see diagnose_scan.h). */
#include "diagnose/diagnose_scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "lib/util/utf8_text.h"

static const char *skip_blanks(const char *p, const char *end)
{
	/* compact JSON has none: one compare for the byte that is not blank */
	while (p < end && (unsigned char)*p <= ' ' &&
	       (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* Past the string that starts at p (a '"'); NULL when it never closes. Most
 * of the bytes of a JSONL record are in strings, so 16 at a time where SSE2
 * is there (every x86-64): a mask of the quotes and backslashes among them. */
static const char *skip_string(const char *p, const char *end)
{
	const char *q = p + 1;

#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');

	while (end - q >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
		int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
							  _mm_cmpeq_epi8(v, backslash)));

		if (!mask) {
			q += 16;
			continue;
		}
		q += __builtin_ctz((unsigned)mask);
		if (*q == '"')
			return q + 1;
		q += 2;  /* the backslash and the byte it escapes */
	}
#endif
	for (; q < end; q++) {
		if (*q == '"')
			return q + 1;
		if (*q == '\\')
			q++;
	}
	return NULL;
}

/* Past the object or array that starts at p; NULL when it never closes. */
/* The next byte at or after p that is a quote or a bracket, or end: 16 at
 * a time where SSE2 is there (what lies between is skipped unread). */
static const char *next_structural(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), open_curly = _mm_set1_epi8('{'),
		      close_curly = _mm_set1_epi8('}'), open_square = _mm_set1_epi8('['),
		      close_square = _mm_set1_epi8(']');

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i hit = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, open_curly)),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, close_curly),
						  _mm_cmpeq_epi8(v, open_square)),
				     _mm_cmpeq_epi8(v, close_square)));
		int mask = _mm_movemask_epi8(hit);

		if (mask)
			return p + __builtin_ctz((unsigned)mask);
		p += 16;
	}
#endif
	while (p < end && *p != '"' && *p != '{' && *p != '}' && *p != '[' && *p != ']')
		p++;
	return p;
}

static const char *skip_nested(const char *p, const char *end)
{
	char stack[64];
	size_t depth = 0;

	while ((p = next_structural(p, end)) < end) {
		char c = *p;

		if (c == '"') {
			if (!(p = skip_string(p, end)))
				return NULL;
			continue;
		}
		if (c == '{' || c == '[') {
			if (depth == sizeof stack)
				return NULL;  /* deeper than any record of ours */
			stack[depth++] = c == '{' ? '}' : ']';
		} else {
			if (depth == 0 || stack[--depth] != c)
				return NULL;
			if (depth == 0)
				return p + 1;
		}
		p++;
	}
	return NULL;
}

/* Past a number, true, false or null; NULL when nothing is there. The
 * bytes a scalar is made of: digits, sign, point, exponent, and the
 * letters of true, false and null. */
static const char *skip_scalar(const char *p, const char *end)
{
	static const char scalar[256] = {
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
		['7'] = 1, ['8'] = 1, ['9'] = 1, ['-'] = 1, ['+'] = 1, ['.'] = 1, ['e'] = 1,
		['E'] = 1, ['t'] = 1, ['r'] = 1, ['u'] = 1, ['f'] = 1, ['a'] = 1, ['l'] = 1,
		['s'] = 1, ['n'] = 1,
	};
	const char *start = p;

	while (p < end && scalar[(unsigned char)*p])
		p++;
	return p == start ? NULL : p;
}

static const char *skip_value(const char *p, const char *end)
{
	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p == '{' || *p == '[')
		return skip_nested(p, end);
	return skip_scalar(p, end);
}

bool jscan_begin(struct jscan *s, struct jspan text)
{
	memset(s, 0, sizeof *s);
	s->end = text.p + text.len;
	s->p = skip_blanks(text.p, s->end);
	s->first = true;
	s->bad = s->p >= s->end || *s->p != '{';
	if (!s->bad)
		s->p++;
	return !s->bad;
}

bool jscan_enter(struct jscan *parent, struct jscan *child)
{
	memset(child, 0, sizeof *child);
	child->end = parent->end;
	child->first = true;
	child->bad = !parent->pending || *parent->p != '{';
	child->p = parent->p + 1;
	child->parent = parent;
	return !child->bad;
}

/* Marks the text malformed; returns false for the caller to pass on. */
static bool malformed(struct jscan *s)
{
	s->bad = true;
	return false;
}

/* Reads the closing brace: the parent goes on after it; a whole line may
 * only have blanks after it. */
static bool close_object(struct jscan *s)
{
	s->p++;
	s->done = true;
	if (s->parent) {
		s->parent->p = s->p;
		s->parent->pending = false;
	} else if (skip_blanks(s->p, s->end) != s->end) {
		s->bad = true;
	}
	return false;
}

/* Skips the value left pending by the last member; false when malformed. */
static bool skip_pending(struct jscan *s)
{
	const char *q;

	if (!s->pending)
		return true;
	if (!(q = skip_nested(s->p, s->end)))
		return malformed(s);
	s->p = q;
	s->pending = false;
	return true;
}

/* The start of the next member's key (its quote), past a comma after the
 * first; NULL at the closing brace (handled) or on malformed text. */
static const char *next_key(struct jscan *s)
{
	const char *p = s->p;

	if (!s->first && p + 1 < s->end && p[0] == ',' && p[1] == '"')
		return p + 1;  /* compact JSON, as our writers write it */
	p = skip_blanks(p, s->end);
	if (p < s->end && *p == '}') {
		s->p = p;
		close_object(s);
		return NULL;
	}
	if (!s->first && p < s->end && *p == ',')
		p = skip_blanks(p + 1, s->end);
	else if (!s->first)
		p = s->end;  /* no comma between members */
	if (p < s->end && *p == '"')
		return p;
	malformed(s);
	return NULL;
}

bool jscan_next(struct jscan *s, struct jspan *key, struct jspan *value)
{
	const char *p, *q;

	if (s->bad || s->done || !skip_pending(s) || !(p = next_key(s)))
		return false;
	if (!(q = skip_string(p, s->end)))
		return malformed(s);
	*key = (struct jspan){ p + 1, (size_t)(q - p - 2) };
	p = q < s->end && *q == ':' ? q : skip_blanks(q, s->end);
	if (p >= s->end || *p != ':')
		return malformed(s);
	p = skip_blanks(p + 1, s->end);
	s->first = false;
	if (p < s->end && (*p == '{' || *p == '[')) {
		*value = (struct jspan){ p, 0 };  /* walked by jscan_enter, or skipped */
		s->p = p;
		s->pending = true;
		return true;
	}
	if (!(q = skip_value(p, s->end)))
		return malformed(s);
	*value = (struct jspan){ p, (size_t)(q - p) };
	s->p = q;
	return true;
}

bool jscan_finish(struct jscan *s)
{
	struct jspan key, value;

	while (jscan_next(s, &key, &value))
		;
	return !s->bad && s->done;
}

bool jscan_is_null(struct jspan value)
{
	return value.len == 4 && memcmp(value.p, "null", 4) == 0;
}

bool jscan_is_string(struct jspan value)
{
	return value.len >= 2 && value.p[0] == '"';
}

/* Copies value into buf as a C string for strtod; false when it cannot be a number. */
static bool number_text(struct jspan value, char *buf, size_t len)
{
	if (value.len == 0 || value.len >= len ||
	    !(value.p[0] == '-' || (value.p[0] >= '0' && value.p[0] <= '9')))
		return false;
	memcpy(buf, value.p, value.len);
	buf[value.len] = '\0';
	return true;
}

bool jscan_int(struct jspan value, int64_t *out)
{
	const char *p = value.p, *end = value.p + value.len;
	bool negative = p < end && *p == '-';
	uint64_t n = 0;

	p += negative;
	if (p == end)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10)
			return false;  /* a fraction, an exponent, or too large */
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*out = negative ? -(int64_t)n : (int64_t)n;
	return true;
}

/* 10^n for the digits of a fraction. */
static double power_of_ten(int n)
{
	double p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* "-12.345": digits, a point, digits (what our writers write), without
 * strtod's cost; false for anything else. */
static bool plain_decimal(struct jspan value, double *out)
{
	const char *p = value.p, *end = value.p + value.len;
	bool negative = p < end && *p == '-';
	uint64_t whole = 0, frac = 0;
	int digits = 0, frac_digits = 0;

	for (p += negative; p < end && *p >= '0' && *p <= '9'; p++, digits++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, frac_digits++)
			frac = frac * 10 + (uint64_t)(*p - '0');
	if (p != end || digits == 0 || digits + frac_digits > 15)
		return false;  /* exponents, long numbers: strtod rounds them right */
	*out = ((double)whole + (double)frac / power_of_ten(frac_digits)) * (negative ? -1 : 1);
	return true;
}

bool jscan_number(struct jspan value, double *out)
{
	char buf[64], *end;
	double d;

	if (plain_decimal(value, out))
		return true;
	if (!number_text(value, buf, sizeof buf))
		return false;
	d = strtod(buf, &end);
	if (*end)
		return false;
	*out = d;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at p as a number; -1 when they are not. */
static long hex4(const char *p, const char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(p[i]);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Decodes the \u escape at p (after the 'u') into out; returns the bytes
 * written and moves *p past the escape (and its low surrogate). */
static size_t unicode_escape(const char **p, const char *end, char out[4])
{
	long cp = hex4(*p, end), low;

	if (cp < 0)
		return utf8_encode(0xFFFD, out);
	*p += 4;
	if (cp >= 0xD800 && cp < 0xDC00 && end - *p >= 6 && (*p)[0] == '\\' &&
	    (*p)[1] == 'u' && (low = hex4(*p + 2, end)) >= 0xDC00 && low < 0xE000) {
		*p += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
	} else if (cp >= 0xD800 && cp < 0xE000) {
		cp = 0xFFFD;  /* a lone surrogate */
	}
	return utf8_encode((unsigned long)cp, out);
}

/* The byte an escape letter stands for; 0 for \u and unknown ones. */
static char simple_escape(char c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'b': return '\b';
	case 'f': return '\f';
	case '/': return '/';
	case '\\': return '\\';
	case '"': return '"';
	default: return 0;
	}
}

bool jscan_string(struct jspan value, char *buf, size_t len, size_t *out_len)
{
	const char *p = value.p + 1, *end = value.p + value.len - 1;
	size_t n = 0;

	if (!jscan_is_string(value) || len == 0)
		return false;
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		size_t run = (size_t)((bs ? bs : end) - p), k = 1;
		char bytes[4];

		if (run) {  /* the bytes up to the next escape, as they are */
			size_t take = run < len - 1 - n ? run : len - 1 - n;

			memcpy(buf + n, p, take);
			n += take;
			p += take;
			if (take < run)
				break;
			continue;
		}
		if (p + 1 < end && p[1] == 'u') {
			p += 2;
			k = unicode_escape(&p, end, bytes);
		} else {
			bytes[0] = p + 1 < end ? simple_escape(p[1]) : 0;
			p += 2;
			if (!bytes[0])
				continue;
		}
		if (n + k > len - 1)
			break;
		memcpy(buf + n, bytes, k);
		n += k;
	}
	if (p < end)
		n = utf8_whole(buf, n);
	buf[n] = '\0';
	if (out_len)
		*out_len = n;
	return true;
}
