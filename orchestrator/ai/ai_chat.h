/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One question to an OpenAI-compatible chat-completions endpoint: the
 * request body ({"model", "messages": [system, user]}), the answer read
 * back (choices[0].message.content), and the exchange over http_post.h.
 *
 * Tests: orchestrator/run/test/test_ai_notify.c, tests/cli/ai_notify.sh (a
 * server on 127.0.0.1). */
#ifndef SCALABLE_AI_CHAT_H
#define SCALABLE_AI_CHAT_H

#include <jansson.h>
#include <stddef.h>

#include "ai/ai_settings.h"

/* The request body asking model about the summary (a JSON document sent as
 * the user's message); NULL when memory runs out. */
char *ai_chat_request(const char *model, const json_t *summary);

/* The answer in a chat-completions response body, with control characters
 * other than newline and tab taken out (it is printed on a terminal).
 * NULL with a one-line reason in why when there is none. */
char *ai_chat_answer(const char *body, char *why, size_t why_len);

/* Asks and returns the answer; NULL with why: the URL refused, no answer
 * in time, an HTTP error (with the server's message, shortened), a body
 * that is not a chat completion. */
char *ai_chat_ask(const struct ai_settings *s, const json_t *summary, char *why,
		  size_t why_len);

#endif
