#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The plugin as an admin installs it: what it exports, and that Slurm's
# client commands load it without any daemon.

load helpers

@test "the plugin exports only SPANK entry points and its identity" {
	[ -f "$PLUGIN" ] || skip "plugin not built at $PLUGIN"
	run bash -c "nm -D --defined-only '$PLUGIN' | awk '{print \$3}' | grep -Ev '^(slurm_spank_[a-z_]+|plugin_name|plugin_type|plugin_version|spank_plugin_version)\$'"
	[ -z "$output" ]
	nm -D --defined-only "$PLUGIN" | grep -q slurm_spank_init
}

@test "the plugin is linked with full RELRO and a non-executable stack" {
	[ -f "$PLUGIN" ] || skip "plugin not built at $PLUGIN"
	readelf -d "$PLUGIN" | grep -q BIND_NOW
	readelf -lW "$PLUGIN" | grep -q GNU_RELRO
	! readelf -lW "$PLUGIN" | grep GNU_STACK | grep -q RWE
}

@test "sbatch loads the plugin with no daemon to talk to and accepts --scalable-run" {
	[ -f "$PLUGIN" ] || skip "plugin not built at $PLUGIN"
	conf=$(mktemp -d)
	sed "s|^PlugStackConfig=.*|PlugStackConfig=$conf/plugstack.conf|; s|^SlurmctldPort=.*|SlurmctldPort=9|" \
		"$SLURM_CONF" >"$conf/slurm.conf"
	echo "optional $PLUGIN" >"$conf/plugstack.conf"
	# With no controller to reach, sbatch gets as far as submitting: the
	# option was understood and nothing complains about the plugin.
	run env SLURM_CONF="$conf/slurm.conf" timeout 60 sbatch --scalable-run=/tmp/x --wrap true
	echo "$output"
	[[ $output != *"unrecognized option"* ]]
	[[ $output != *spank* ]]
	[[ $output != *"plugin"* ]]
	run env SLURM_CONF="$conf/slurm.conf" timeout 60 sbatch --scalable-bogus=/tmp/x --wrap true
	[[ $output == *"unrecognized option"* ]]
	rm -rf "$conf"
}
