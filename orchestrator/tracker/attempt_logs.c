/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The logs of a failed attempt (see attempt_logs.h). */
#include "tracker/attempt_logs.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/utf8_text.h"
#include "plan/log_paths.h"

/* len bytes of fd from start, NUL-terminated, with NULs in between made
 * spaces so they cannot hide what follows, and bytes that are not UTF-8
 * made '?' (a record of them could not be written as JSON). */
static char *read_from(int fd, off_t start, size_t len)
{
	char *text = malloc(len + 1);
	size_t got = 0;

	while (text && got < len) {
		ssize_t n = pread(fd, text + got, len - got, start + (off_t)got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	for (size_t i = 0; text && i < got; i++)
		if (text[i] == '\0')
			text[i] = ' ';
	if (text)
		text[got] = '\0';
	utf8_fix(text);
	return text;
}

char *read_file_tail(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char *text = NULL, *start;
	off_t from = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		from = st.st_size > (off_t)max ? st.st_size - (off_t)max : 0;
		text = read_from(fd, from, (size_t)(st.st_size - from));
	}
	close(fd);
	if (!text || from == 0)
		return text;
	start = strchr(text, '\n');
	if (start && start[1])
		start++;             /* drop the cut line, */
	else                         /* unless it is the last (one line of 50 MB) */
		for (start = text; *start == '?' && start - text < 3; start++)
			;            /* but not its cut character (made '?') */
	memmove(text, start, strlen(start) + 1);
	return text;
}

void attempt_logs_read(const char *run_dir, int layout, const char *component, size_t index,
		       unsigned attempt, int64_t array_job_id, int64_t array_task_id,
		       char **stderr_tail, char **slurm_output_tail)
{
	char rel[1024], *path;

	*stderr_tail = *slurm_output_tail = NULL;
	if (log_task_stem(layout, component, index, attempt, rel, sizeof rel) == 0 &&
	    asprintf(&path, "%s/%s.err", run_dir, rel) >= 0) {
		*stderr_tail = read_file_tail(path, FAILURE_TAIL_MAX);
		free(path);
	}
	if (log_slurm_output(layout, component, index, array_job_id, array_task_id, rel,
			     sizeof rel) == 0 &&
	    asprintf(&path, "%s/%s", run_dir, rel) >= 0) {
		*slurm_output_tail = read_file_tail(path, FAILURE_TAIL_MAX);
		free(path);
	}
}

bool line_is_noise(const char *line, size_t len)
{
	while (len > 0 && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	if (len == 0)
		return true;
	return (len >= 11 && !strncmp(line, "slurmstepd:", 11)) ||
	       (len >= 5 && !strncmp(line, "srun:", 5));
}

/* The bounds of the line ending just before *end, moving *end to its start. */
static const char *previous_line(const char *text, const char **end, size_t *len)
{
	const char *stop = *end, *start = stop;

	while (start > text && start[-1] != '\n')
		start--;
	*len = (size_t)(stop - start);
	*end = start > text ? start - 1 : NULL;
	return start;
}

/* The length of the terminal escape sequence at p (p[0] is ESC): CSI
 * (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \\), or ESC and one byte. */
static size_t escape_length(const char *p, size_t len)
{
	size_t i = 2;

	if (len >= 2 && p[1] == '[') {
		while (i < len && !((unsigned char)p[i] >= 0x40 && (unsigned char)p[i] <= 0x7e))
			i++;
		return i < len ? i + 1 : len;
	}
	if (len >= 2 && p[1] == ']') {
		while (i < len && p[i] != '\a' && !(p[i] == '\033' && i + 1 < len && p[i + 1] == '\\'))
			i++;
		return i >= len ? len : p[i] == '\a' ? i + 1 : i + 2;
	}
	return len >= 2 ? 2 : 1;
}

/* Copies what a terminal would show of a line, without its surrounding
 * blanks: the text after its last carriage return (a progress bar redraws
 * itself so), without escape sequences (colours, cursor moves), cut on a
 * whole UTF-8 character when buf is too small. */
static void copy_trimmed(const char *line, size_t len, char *buf, size_t size)
{
	size_t n = 0;

	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	for (size_t i = len; i > 0; i--) {
		if (line[i - 1] == '\r') {
			len -= i;
			line += i;
			break;
		}
	}
	while (len > 0 && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	for (size_t i = 0; i < len && n + 1 < size;) {
		size_t skip = line[i] == '\033' ? escape_length(line + i, len - i) : 0;

		if (skip == 0)
			buf[n++] = line[i];
		i += skip ? skip : 1;
	}
	if (size == 0)
		return;
	buf[utf8_whole(buf, n)] = '\0';
	utf8_fix(buf);   /* text not read through read_file_tail */
}

bool last_meaningful_line(const char *text, char *buf, size_t len)
{
	const char *end = text ? text + strlen(text) : NULL;

	while (end) {
		size_t n;
		const char *line = previous_line(text, &end, &n);

		if (!line_is_noise(line, n)) {
			copy_trimmed(line, n, buf, len);
			return true;
		}
	}
	return false;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static bool ends_with(const char *name, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !strncmp(name + len - n, suffix, n);
}

/* The length of the identifier (dotted) that starts line, 0 if none. */
static size_t name_length(const char *line, size_t len)
{
	size_t n = 0;

	if (len == 0 || !(isalpha((unsigned char)line[0]) || line[0] == '_'))
		return 0;
	while (n < len && is_name_char(line[n]))
		n++;
	return n;
}

static bool looks_like_exception(const char *name, size_t len)
{
	static const char *const suffixes[] = { "Error", "Exception", "Exit", "Interrupt",
						"Warning", "Fault" };

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
		if (ends_with(name, len, suffixes[i]))
			return true;
	return false;
}

/* The exception line after the last "Traceback (most recent call last):". */
static bool traceback_exception(const char *text, char *buf, size_t size)
{
	const char *found = NULL, *p = text;

	while ((p = strstr(p, "Traceback (most recent call last):")) != NULL)
		found = p++;
	for (p = found ? strchr(found, '\n') : NULL; p && *++p;) {
		const char *eol = strchrnul(p, '\n');
		size_t n = name_length(p, (size_t)(eol - p));

		if (n > 0 && (p[n] == ':' || p + n == eol)) {
			snprintf(buf, size, "%.*s", (int)n, p);
			return true;
		}
		p = *eol ? eol : NULL;
	}
	return false;
}

bool exception_name(const char *text, char *buf, size_t size)
{
	const char *end;

	if (!text)
		return false;
	if (traceback_exception(text, buf, size))
		return true;
	for (end = text + strlen(text); end;) {
		size_t len;
		const char *line = previous_line(text, &end, &len);
		size_t n = name_length(line, len);

		if (n > 0 && n < len && line[n] == ':' && looks_like_exception(line, n)) {
			snprintf(buf, size, "%.*s", (int)n, line);
			return true;
		}
	}
	return false;
}

char *traceback_tail(const char *text)
{
	const char *start, *end;
	size_t lines = 0;

	if (!text)
		return NULL;
	end = text + strlen(text);
	while (end > text && end[-1] == '\n')
		end--;
	for (start = end; start > text; start--) {
		if (start[-1] == '\n' && ++lines == TRACEBACK_MAX_LINES)
			break;
		if ((size_t)(end - start) >= TRACEBACK_MAX_BYTES) {
			const char *nl = memchr(start, '\n', (size_t)(end - start));

			start = nl ? nl + 1 : start;  /* whole lines where there are some */
			while (start < end && ((unsigned char)*start & 0xC0) == 0x80)
				start++;      /* else a whole character */
			break;
		}
	}
	return strndup(start, (size_t)(end - start));
}
