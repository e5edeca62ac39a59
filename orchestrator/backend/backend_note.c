/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Notes to the user from inside a backend (see backend_impl.h): apart from
 * backend.c so that the providers' code can call it without calling back
 * into the file that picks them. */
#include "backend/backend_impl.h"

#include <stdarg.h>
#include <stdio.h>

void backend_note(const struct backend *b, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	if (!b->o.note)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	b->o.note(b->o.note_ctx, text);
}
