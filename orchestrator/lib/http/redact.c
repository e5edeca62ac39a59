/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets taken out of text (see redact.h). One left-to-right scan: at each
 * position the rules are tried in order, the first that matches writes its
 * replacement and moves past what it consumed; otherwise the character is
 * copied. */
#include "lib/http/redact.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lib/util/strbuf.h"

#define LONG_RUN 32u           /* hex or base64 characters that look like a key */
#define PREFIX_TOKEN_MIN 8u    /* characters after a known prefix */

static bool is_word(char c) { return isalnum((unsigned char)c) || c == '_'; }
static bool is_key_char(char c) { return is_word(c) || c == '-' || c == '.'; }
static bool is_token_char(char c) { return is_word(c) || c == '-'; }
static bool is_base64(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/' || c == '=' || c == '-' ||
	       c == '_';
}
/* Where a key=value value ends (unquoted). */
static bool ends_value(char c)
{
	return !c || isspace((unsigned char)c) || strchr("\"'`,;&)}]>", c);
}

static size_t span(const char *s, bool (*in)(char))
{
	size_t n = 0;

	while (s[n] && in(s[n]))
		n++;
	return n;
}

/* Whether key (len chars) ends with a name that holds a secret. */
static bool sensitive_key(const char *key, size_t len)
{
	static const char *const endings[] = {
		"token", "tokens", "password", "passwd", "pwd", "pass", "secret", "secrets",
		"key", "keys", "auth", "authorization", "credential", "credentials", "cookie",
	};

	for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++) {
		size_t n = strlen(endings[i]);

		if (len >= n && strncasecmp(key + len - n, endings[i], n) == 0)
			return true;
	}
	return false;
}

struct scan {
	const char *t;
	size_t i;
	struct strbuf out;
	int failed;
};

static void emit(struct scan *s, const char *text, size_t len)
{
	if (strbuf_append(&s->out, text, len) != 0)
		s->failed = 1;
}

/* scheme://user:pass@host: the userinfo goes. */
static bool url_userinfo(struct scan *s)
{
	const char *p = s->t + s->i;
	size_t scheme = isalpha((unsigned char)*p) ? span(p, is_key_char) : 0, n;

	if (!scheme || strncmp(p + scheme, "://", 3) != 0)
		return false;
	n = strcspn(p + scheme + 3, "/?#@ \t\r\n\"'<>");
	if (n == 0 || p[scheme + 3 + n] != '@')
		return false;
	emit(s, p, scheme + 3);
	emit(s, REDACTED, strlen(REDACTED));
	s->i += scheme + 3 + n;
	return true;
}

/* ghp_..., xoxb-..., AKIA...: the prefix stays. */
static bool prefixed_token(struct scan *s)
{
	static const char *const prefixes[] = {
		"github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "glpat-", "xoxb-",
		"xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-", "sk-", "AKIA", "ASIA",
	};
	const char *p = s->t + s->i;

	for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
		size_t n = strlen(prefixes[k]), rest;

		if (strncmp(p, prefixes[k], n) != 0)
			continue;
		rest = span(p + n, is_token_char);
		if (rest < PREFIX_TOKEN_MIN)
			return false;
		emit(s, p, n);
		emit(s, REDACTED, strlen(REDACTED));
		s->i += n + rest;
		return true;
	}
	return false;
}

static bool is_credential_char(char c)
{
	return is_token_char(c) || strchr("._~+/=", c);
}

/* Bearer <token>, Basic <base64>. */
static bool auth_scheme(struct scan *s)
{
	static const char *const schemes[] = { "bearer", "basic" };
	const char *p = s->t + s->i;

	for (size_t k = 0; k < 2; k++) {
		size_t n = strlen(schemes[k]), blank, cred;

		if (strncasecmp(p, schemes[k], n) != 0 || (p[n] != ' ' && p[n] != '\t'))
			continue;
		blank = strspn(p + n, " \t");
		cred = span(p + n + blank, is_credential_char);
		if (cred == 0)
			return false;
		emit(s, p, n + blank);
		emit(s, REDACTED, strlen(REDACTED));
		s->i += n + blank + cred;
		return true;
	}
	return false;
}

/* password=..., "api_key": "...", Authorization: ... (the rest of the line). */
static bool key_value(struct scan *s)
{
	const char *p = s->t + s->i;
	size_t key = span(p, is_key_char), at = key, value;
	char quote = 0;

	if (key == 0 || !sensitive_key(p, key))
		return false;
	if (p[at] == '"' || p[at] == '\'')
		at++;
	at += strspn(p + at, " \t");
	if (p[at] != '=' && p[at] != ':')
		return false;
	at++;
	at += strspn(p + at, " \t");
	if (p[at] == '"' || p[at] == '\'')
		quote = p[at++];
	if (key >= 13 && strncasecmp(p + key - 13, "authorization", 13) == 0)
		value = strcspn(p + at, "\r\n");
	else if (quote)
		value = strcspn(p + at, quote == '"' ? "\"\r\n" : "'\r\n");
	else
		for (value = 0; !ends_value(p[at + value]); value++)
			;
	if (value == 0)
		return false;
	emit(s, p, at);
	emit(s, REDACTED, strlen(REDACTED));
	s->i += at + value;
	return true;
}

static bool is_hex(char c) { return isxdigit((unsigned char)c); }

/* 32 or more hex digits standing alone (a digest, a key). */
static bool long_hex(struct scan *s)
{
	const char *p = s->t + s->i;
	size_t n = span(p, is_hex);

	if (n < LONG_RUN || isalnum((unsigned char)p[n]))
		return false;
	emit(s, REDACTED, strlen(REDACTED));
	s->i += n;
	return true;
}

/* 32 or more base64 characters mixing upper case, lower case and digits. */
static bool long_base64(struct scan *s)
{
	const char *p = s->t + s->i;
	size_t n = span(p, is_base64);
	bool upper = false, lower = false, digit = false;

	if (n < LONG_RUN)
		return false;
	for (size_t k = 0; k < n; k++) {
		upper |= isupper((unsigned char)p[k]) != 0;
		lower |= islower((unsigned char)p[k]) != 0;
		digit |= isdigit((unsigned char)p[k]) != 0;
	}
	if (!(upper && lower && digit))
		return false;
	emit(s, REDACTED, strlen(REDACTED));
	s->i += n;
	return true;
}

/* Tries the rules that may start at s->i. */
static bool redact_here(struct scan *s)
{
	char prev = s->i ? s->t[s->i - 1] : ' ';

	if (!is_word(prev) && (url_userinfo(s) || prefixed_token(s) || auth_scheme(s) ||
			       key_value(s)))
		return true;
	if (!isalnum((unsigned char)prev) && long_hex(s))
		return true;
	return !is_base64(prev) && long_base64(s);
}

char *redact_secrets(const char *text)
{
	struct scan s = { .t = text };

	emit(&s, "", 0);
	while (!s.failed && text[s.i]) {
		if (!redact_here(&s))
			emit(&s, text + s.i++, 1);
	}
	if (s.failed) {
		strbuf_free(&s.out);
		return NULL;
	}
	return strbuf_release(&s.out);
}
