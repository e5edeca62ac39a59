/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets taken out of text before it leaves the machine (diagnose --ai
 * sends stderr tails and messages to a language model). Replaced by
 * "[REDACTED]":
 *
 *  - the value after a key whose name ends in token, password, passwd, pwd,
 *    secret, key, apikey, auth, credential(s) or session, written key=value,
 *    key: value or "key": "value" (any case; KeyError: is not such a key);
 *    after Authorization, the rest of the line;
 *  - the credential after "Bearer " or "Basic ";
 *  - tokens with a known prefix (AWS AKIA/ASIA key ids, GitHub ghp_, gho_,
 *    ghu_, ghs_, ghr_, github_pat_, GitLab glpat-, Slack xoxb-, xoxp-, xoxa-,
 *    xoxr-, xoxs-, xapp-, OpenAI-style sk-): the prefix is kept, the rest goes;
 *  - a URL's userinfo (https://user:pass@host: both go);
 *  - a run of 32 or more hex digits, and a run of 32 or more base64
 *    characters holding upper and lower case letters and digits.
 *
 * Deliberately eager: a false positive costs a word of evidence, a miss a
 * leaked secret. */
#ifndef SCALABLE_REDACT_H
#define SCALABLE_REDACT_H

#define REDACTED "[REDACTED]"

/* A redacted copy of text; NULL when memory runs out. */
char *redact_secrets(const char *text);

#endif
