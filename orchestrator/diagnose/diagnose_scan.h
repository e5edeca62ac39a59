/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A forward-only scanner over one JSON object's text, for reading large
 * JSONL files fast: it walks the members of an object without building a
 * tree, hands back the raw text of each value, and decodes only the values
 * asked for. It checks the structure (quotes, brackets, colons, commas), not
 * every token: a line it accepts may still hold a malformed number, which
 * then reads as unknown. Used by diagnose on tasks.jsonl and failures.jsonl,
 * where json_loadb per line was too slow for a million records.
 *
 * Tests: orchestrator/diagnose/test/test_diagnose_parts.c. */
#ifndef SCALABLE_DIAGNOSE_SCAN_H
#define SCALABLE_DIAGNOSE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A piece of the text: a key without its quotes, or a value as written. */
struct jspan {
	const char *p;
	size_t len;
};

struct jscan {
	const char *p, *end;
	bool first;    /* no member read yet */
	bool bad;      /* the text is not a well-formed object */
	bool done;     /* the closing brace was read */
	bool pending;  /* p is at an object or array value not yet walked */
	struct jscan *parent;  /* the object this one is a member of */
};

/* Starts on the object whose text is text (leading blanks allowed); false,
 * with bad set, when it does not start with '{'. */
bool jscan_begin(struct jscan *s, struct jspan text);
/* The next member; false at the end of the object or on malformed text (see
 * bad). After the end, only blanks may follow for the object to be good.
 * An object or array value comes back with its start only (len 0): walk it
 * with jscan_enter, or the next call skips it, so that no byte is read
 * twice. */
bool jscan_next(struct jscan *s, struct jspan *key, struct jspan *value);
/* Starts on the object value jscan_next just returned; false (child bad)
 * when it is not an object. Once the child reads its closing brace, the
 * parent goes on after it. */
bool jscan_enter(struct jscan *parent, struct jscan *child);
/* Walks the rest of the object; true when all of it is well formed. */
bool jscan_finish(struct jscan *s);

/* Whether the key (as written, without quotes) is name. Inline: with a
 * literal name, strlen folds to a constant (this runs for every member of
 * every line). */
static inline bool jscan_key_is(struct jspan key, const char *name)
{
	size_t n = strlen(name);

	return key.len == n && memcmp(key.p, name, n) == 0;
}
bool jscan_is_null(struct jspan value);
bool jscan_is_string(struct jspan value);
/* An integer value; false for null, strings, fractions and overflow. */
bool jscan_int(struct jspan value, int64_t *out);
/* A number value; false for null, strings and anything else. */
bool jscan_number(struct jspan value, double *out);
/* A string value decoded (escapes, \u with surrogate pairs to UTF-8) into
 * buf, cut at a character boundary to fit len - 1 bytes; false when value
 * is not a string. Returns the decoded length through *out_len (may be NULL). */
bool jscan_string(struct jspan value, char *buf, size_t len, size_t *out_len);

#endif
