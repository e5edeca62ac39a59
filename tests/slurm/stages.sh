# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Sourced by tests/run: its --slurm-matrix stages (issue 12, "every Slurm a
# site runs"). Uses tests/run's top, build, say, problem, judge_skip, passed,
# failed and run_bats_file.
#
#   1. the compile matrix: one test per Slurm version (tests/slurm/compile-matrix);
#   2. Slurm 25.11 built from its tarball, once per machine (tests/slurm/build-slurm):
#      one test, its time printed (a cached build costs nothing);
#   3. the plugin compiled against that Slurm (tests/slurm/build-plugin) and
#      tests/integration/plugin.bats on a private cluster of it
#      (tests/slurm/cluster), beside the default cluster, stopped again.
# A missing tarball is a skip with its reason, judged like any other.

slurm_cluster_started=0

# stop_slurm_cluster: tests/run's finish calls it too, on every exit.
stop_slurm_cluster() {
  (( slurm_cluster_started )) || return 0
  "$top/tests/slurm/cluster" stop >/dev/null 2>&1 || true
  slurm_cluster_started=0
}

# slurm_compile_matrix: its TAP, one test per version, into the counters.
slurm_compile_matrix() {
  local out rc=0 line start=$SECONDS
  say "compile matrix (the plugin against each Slurm's headers)"
  out="$build/slurm-matrix.tap"
  "$top/tests/slurm/compile-matrix" "$build" >"$out" 2>&1 || rc=$?
  cat "$out"
  while IFS= read -r line; do
    if [[ $line =~ ^ok\ [0-9]+\ -\ (.*)\ \#\ skip\ (.*)$ ]]; then
      judge_skip "slurm-matrix: ${BASH_REMATCH[1]} # SKIP ${BASH_REMATCH[2]}"
    elif [[ $line =~ ^ok\  ]]; then
      passed=$((passed + 1))
    elif [[ $line =~ ^not\ ok\  ]]; then
      failed=$((failed + 1))
    fi
  done <"$out"
  grep -qE '^(not )?ok ' "$out" || problem "slurm-matrix: no version compiled (exit $rc)"
  (( rc == 0 || rc == 77 )) || grep -q '^not ok ' "$out" ||
    problem "slurm-matrix: compile-matrix exited $rc with no failed version"
  echo "slurm-matrix: $((SECONDS - start)) s"
}

# slurm_run_plugin_tests: build (or reuse) the Slurm of SLURM_RUN_VERSION,
# the plugin against it, and plugin.bats on its cluster.
slurm_run_plugin_tests() {
  local version prefix rc=0 start=$SECONDS
  # shellcheck source=tests/slurm/lib.sh
  version=$(. "$top/tests/slurm/lib.sh" && echo "$SLURM_RUN_VERSION")
  say "slurm $version from source (tests/slurm/build-slurm; built once per machine)"
  prefix=$("$top/tests/slurm/build-slurm" "$version") || rc=$?
  if (( rc == 77 )); then
    judge_skip "slurm-$version: plugin.bats # SKIP no slurm-$version.tar.xz (tests/slurm/lib.sh says where it is looked for)"
    return
  elif (( rc != 0 )); then
    failed=$((failed + 1)); echo "not ok slurm $version build (exit $rc)"
    problem "slurm-$version: build failed, plugin.bats did not run"
    return
  fi
  passed=$((passed + 1))
  echo "ok slurm $version build: $(cat "$prefix/.scalable-built") ($((SECONDS - start)) s now)"

  # plugin.bats as run_bats_file runs any file, through this cluster and
  # this plugin (dynamic scope: run_bats_file and restart_cluster see them).
  local build plugin cluster=$top/tests/slurm/cluster
  build=$("$top/tests/slurm/build-plugin" "$prefix") ||
    { problem "slurm-$version: the plugin did not build against $prefix"; return; }
  plugin=$build/spank/.libs/spank_scalable.so  # not the default cluster's staged one
  say "plugin.bats on Slurm $version (plugin $build/spank/.libs/spank_scalable.so)"
  start=$SECONDS
  slurm_cluster_started=1
  "$cluster" start --plugin "$plugin" ||
    { problem "slurm-$version: its cluster could not be started"; stop_slurm_cluster; return; }
  SCALABLE_CLUSTER_SCRIPT=$cluster run_bats_file "$top/tests/integration/plugin.bats"
  stop_slurm_cluster
  echo "slurm-$version: plugin.bats with its cluster took $((SECONDS - start)) s"
}

run_slurm_matrix() {
  slurm_compile_matrix
  slurm_run_plugin_tests
}
