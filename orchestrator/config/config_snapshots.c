/* SPDX-License-Identifier: GPL-2.0-or-later */
/* snapshots: [parquet, csv, tsv]: the formats `scalable export` writes into
 * the run directory when the run closes (config_file.h's CONFIG_SNAPSHOT_*). */
#include <string.h>

#include "config/config_loader.h"
#include "lib/util/did_you_mean.h"

static const char *const formats[] = { "parquet", "csv", "tsv" };
#define N_FORMATS (sizeof formats / sizeof formats[0])

static int load_format(struct loader *L, const struct ynode *item, unsigned *bits)
{
	const char *hint;

	if (item->kind != YNODE_SCALAR)
		return fail_at(L, item, "expected a format name (parquet, csv or tsv), not %s",
			       ynode_describe(item));
	for (size_t f = 0; f < N_FORMATS; f++) {
		if (strcmp(item->text, formats[f]) != 0)
			continue;
		if (*bits & (1u << f))
			return fail_at(L, item, "'%s' is listed twice in snapshots", item->text);
		*bits |= 1u << f;
		return 0;
	}
	hint = did_you_mean(item->text, formats, N_FORMATS);
	return fail_at(L, item, "unknown snapshot format '%s' (%s%s%s)", item->text,
		       hint ? "did you mean '" : "expected parquet, csv or tsv",
		       hint ? hint : "", hint ? "'?" : "");
}

int load_snapshots(struct loader *L, const struct ynode *value, void *object)
{
	unsigned bits = 0;

	(void)object;
	if (ynode_is_null(value))
		return 0;
	if (value->kind != YNODE_SEQUENCE)
		return fail_at(L, value, "snapshots is a list of formats (expected e.g. "
			       "snapshots: [parquet, csv]), not %s", ynode_describe(value));
	for (size_t i = 0; i < value->n_child; i++)
		if (load_format(L, value->child[i], &bits) != 0)
			return -1;
	L->config->snapshots = bits;
	return 0;
}
