/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One question to a chat-completions endpoint (see ai_chat.h). */
#include "ai/ai_chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/http/http_post.h"

#define SERVER_MESSAGE_MAX 160

static const char system_prompt[] =
	"You help researchers understand why tasks of a parameter sweep on a Slurm "
	"cluster failed. You get a JSON summary of one run: task counts, failures by "
	"class, the findings of a heuristic analysis (pattern, evidence, suggestion) and "
	"short stderr tails (secrets replaced by [REDACTED]). In at most 15 lines of "
	"plain text: the likely root cause of each finding, whether the heuristic "
	"suggestion is right, and the concrete change to make (config value, code, "
	"input). Say so when the evidence is not enough.";

char *ai_chat_request(const char *model, const json_t *summary)
{
	char *text = json_dumps(summary, JSON_COMPACT | JSON_PRESERVE_ORDER), *body = NULL;
	json_t *request;

	if (!text)
		return NULL;
	request = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "model", model, "messages",
			    "role", "system", "content", system_prompt, "role", "user",
			    "content", text);
	free(text);
	if (request)
		body = json_dumps(request, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(request);
	return body;
}

/* text without control characters other than newline and tab, C1 ones
 * (U+0080-U+009F, CSI among them) included: no escape sequence from a
 * server reaches the terminal. */
static char *printable(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)text; out && *p; p++) {
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			p++;
		else if (*p >= 0x20 ? *p != 0x7f : (*p == '\n' || *p == '\t'))
			*o++ = (char)*p;
	}
	if (out)
		*o = '\0';
	return out;
}

char *ai_chat_answer(const char *body, char *why, size_t why_len)
{
	json_t *root = body ? json_loads(body, 0, NULL) : NULL;
	const char *content = NULL;
	char *answer = NULL;

	if (!root)
		snprintf(why, why_len, "the answer is not JSON");
	else if (json_unpack(root, "{s:[{s:{s:s}}]}", "choices", "message", "content",
			     &content) != 0)
		snprintf(why, why_len, "the answer holds no choices[0].message.content");
	else if (!*content)
		snprintf(why, why_len, "the answer is empty");
	else if (!(answer = printable(content)))
		snprintf(why, why_len, "out of memory");
	json_decref(root);
	return answer;
}

/* "HTTP 500", with the server's error.message when it sent one. */
static void http_error(const struct http_response *resp, char *why, size_t why_len)
{
	json_t *root = resp->body ? json_loads(resp->body, 0, NULL) : NULL;
	const char *message = NULL;
	char *shown = NULL;

	if (root && json_unpack(root, "{s:{s:s}}", "error", "message", &message) == 0)
		shown = printable(message);
	if (shown && *shown)
		snprintf(why, why_len, "HTTP %ld: %.*s", resp->status, SERVER_MESSAGE_MAX, shown);
	else
		snprintf(why, why_len, "HTTP %ld", resp->status);
	free(shown);
	json_decref(root);
}

char *ai_chat_ask(const struct ai_settings *s, const json_t *summary, char *why,
		  size_t why_len)
{
	char *body = ai_chat_request(s->model, summary), *answer = NULL;
	struct http_post req = { .url = s->endpoint, .json_body = body, .bearer = s->key,
				 .timeout_s = s->timeout_s };
	struct http_response resp;

	if (!body) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	if (http_post_json(&req, &resp, why, why_len) == 0) {
		if (resp.status < 200 || resp.status > 299)
			http_error(&resp, why, why_len);
		else
			answer = ai_chat_answer(resp.body, why, why_len);
	}
	http_response_clear(&resp);
	free(body);
	return answer;
}
