/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: scalable.yaml through the YAML tree and config_load
 * (every section's reader, the templates compiled against the parameters). */
#include "fuzz_util.h"

#include "config/config_file.h"
#include "config/yaml_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, "scalable.yaml");
	struct config *config = NULL;
	struct ynode *root = NULL;
	struct error err;

	if (ytree_load(path, &root, &err) == 0)
		ytree_free(root);
	if (config_load(path, &config, &err) == 0)
		config_free(config);
	return 0;
}
