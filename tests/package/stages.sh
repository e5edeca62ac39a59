# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests/run: its --packages stage. Uses tests/run's top, build,
# say, problem, judge_skip, passed, failed, unit_only and cluster_started.

# run_package_script NAME SCRIPT [ARGS...]: one of tests/package/*.sh; its
# "ok -" and "not ok -" lines counted, its skips judged, its exit checked.
run_package_script() {
  local name=$1 script=$2 out rc ok notok line
  shift 2
  out="$build/package-$name.tap"
  SCALABLE_BUILD_DIR=$build SCALABLE_TOP=$top "$script" "$@" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  ok=$(grep -cE '^ok - ' "$out"); notok=$(grep -cE '^not ok - ' "$out")
  while IFS= read -r line; do
    judge_skip "package/$name: ${line#ok - }"
    ok=$((ok - 1))
  done < <(grep -E '^ok - .*# skip' "$out")
  passed=$((passed + ok)); failed=$((failed + notok))
  (( ok + notok > 0 )) || problem "package/$name: no check ran"
  (( rc == 0 || notok > 0 )) || problem "package/$name: exited $rc with no failed check"
}

# The .debs (built, linted, installed, the installed plugin through its
# plugstack.conf.d snippet in the private cluster when it runs, purged) and
# the source RPM (built, linted).
run_package_tests() {
  local start=$SECONDS deb_args=()
  say "packages (tests/package: .deb and source RPM)"
  if (( cluster_started )); then
    deb_args=(--cluster)
  elif (( !unit_only )); then
    problem "package/deb: no private cluster, so the installed plugin's integration tests did not run"
  fi
  run_package_script deb "$top/tests/package/deb.sh" "${deb_args[@]}"
  (( cluster_started )) && { cluster_healthy "after the package tests" || restart_cluster; }
  run_package_script rpm "$top/tests/package/rpm.sh"
  echo "packages: took $((SECONDS - start)) s"
}
