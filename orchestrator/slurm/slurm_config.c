/* MaxArraySize from `scontrol show config`. */
#include "slurm/slurm_config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/strbuf.h"

/* The value of "MaxArraySize = N" if line holds it, else 0. */
static unsigned max_array_size_in_line(const char *line)
{
	static const char key[] = "MaxArraySize";
	const char *p = line;
	char *end;
	unsigned long value;

	if (strncmp(p, key, sizeof key - 1) != 0)
		return 0;
	p += sizeof key - 1;
	p += strspn(p, " \t");
	if (*p++ != '=')
		return 0;
	p += strspn(p, " \t");
	value = strtoul(p, &end, 10);
	if (end == p || (*end != '\0' && !isspace((unsigned char)*end)) || value == 0 ||
	    value > 4000001)
		return 0;
	return (unsigned)value;
}

unsigned parse_max_array_size(const char *text)
{
	for (const char *line = text; line; line = strchr(line, '\n')) {
		unsigned value;

		line += *line == '\n';
		if ((value = max_array_size_in_line(line)) > 0)
			return value;
	}
	return 0;
}

unsigned slurm_max_array_size(void)
{
	FILE *pipe = popen("scontrol show config 2>/dev/null", "r");
	struct strbuf out = { 0 };
	char chunk[4096];
	size_t n;
	unsigned value;

	if (!pipe)
		return 0;
	while ((n = fread(chunk, 1, sizeof chunk, pipe)) > 0)
		if (strbuf_append(&out, chunk, n) != 0)
			break;
	if (pclose(pipe) != 0 || !out.text) {
		strbuf_free(&out);
		return 0;
	}
	value = parse_max_array_size(out.text);
	strbuf_free(&out);
	return value;
}
