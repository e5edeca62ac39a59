/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where diagnose --ai sends its question, and with which key.
 *
 *  - endpoint: $SCALABLE_AI_URL, else ai.url; a base URL
 *    (https://api.openai.com/v1) gets /chat/completions appended, a URL that
 *    already ends in /chat/completions is used as it is;
 *  - model: $SCALABLE_AI_MODEL, else ai.model (required);
 *  - key, first found: the file $SCALABLE_AI_KEY_FILE, the file
 *    ai.api_key_file, the variable ai.api_key_env names (which must then be
 *    set), $SCALABLE_AI_KEY, $OPENAI_API_KEY; none: no Authorization header
 *    (a local server may need none). A key is printable ASCII without
 *    blanks (it goes into a header). A key file must be a regular file of
 *    this user that neither group nor others can read (chmod 600). The key
 *    never comes from the command line;
 *  - timeout: ai.timeout (default 60s).
 * diagnose_ai.c passes an ai: section without url and key location when
 * the run's manifest.yaml is not the caller's or others can write it.
 *
 * Tests: orchestrator/run/test/test_ai_notify.c, tests/cli/ai_notify.sh. */
#ifndef SCALABLE_AI_SETTINGS_H
#define SCALABLE_AI_SETTINGS_H

#include <stddef.h>

#include "config/config_file.h"

struct ai_settings {
	char *endpoint;       /* the full chat-completions URL */
	char *model;
	char *key;            /* NULL: none; wiped when cleared */
	unsigned timeout_s;
};

/* Settles them from config (may be NULL) and the environment. Returns 0, or
 * -1 with a one-line reason in why (nothing configured, no model, a key
 * file others can read, ...). */
int ai_settings_resolve(const struct ai_config *config, struct ai_settings *out, char *why,
			size_t why_len);
void ai_settings_clear(struct ai_settings *s);

/* The key in path, checked as above, trailing white space cut. */
char *ai_key_file_read(const char *path, char *why, size_t why_len);

#endif
