# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the benchmarks that run on the private cluster (needs $cluster,
# the tests/cluster/cluster script, and $build): starts the cluster with the
# built plugin when it is not running, and stops it at exit if it did; sets
# SLURM_CONF and SCALABLE_CLUSTER_* for what follows.
bench_started_cluster=0
if ! "$cluster" status >/dev/null 2>&1; then
	"$cluster" start --plugin "$build/spank/.libs/spank_scalable.so" >/dev/null
	bench_started_cluster=1
fi
trap '(( bench_started_cluster )) && "$cluster" stop >/dev/null 2>&1 || true' EXIT
eval "$("$cluster" env)"
