# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests/run: the stages that build scalable again as a site would
# (each a whole build, so run once here rather than in every make check),
# each one test; and the staged install the integration tests load the
# plugin from. Uses tests/run's top, build, say, problem, passed, failed.

# stage_verdict NAME RC: one stage's result; 77 is a skip, judged as tests/run's are.
stage_verdict() {
  case $2 in
    0) passed=$((passed + 1)); echo "ok $1" ;;
    77) judge_skip "install/$1: $(tail -1 "$build/$1.out")" ;;
    *) failed=$((failed + 1)); echo "not ok $1 (log: $build/$1.out)"; tail -15 "$build/$1.out" | sed 's/^/  /' ;;
  esac
}

# The command alone, Slurm's headers hidden (tests/install/without_slurm.sh).
run_without_slurm_stage() {
  local start=$SECONDS rc
  say "without Slurm's headers: configure --disable-plugin, make, make check ($build-noslurm)"
  "$top/tests/install/without_slurm.sh" "$build-noslurm" >"$build/noslurm.out" 2>&1
  rc=$?
  cat "$build/noslurm.out"
  stage_verdict noslurm "$rc"
  echo "without Slurm: took $((SECONDS - start)) s"
}

# curl_legacy_checks DIR: the build took libcurl 7.61's path, and its HTTP
# tests pass there; says what failed.
curl_legacy_checks() {
  local dir=$1
  ! grep -qE '^#define SCALABLE_CURL_(PROTOCOLS_STR|URL_API)' "$dir/config.h" ||
    { echo "config.h still uses libcurl 7.62+ API"; return 1; }
  ! nm -D "$dir/orchestrator/.libs/scalable" "$dir/orchestrator/scalable" 2>/dev/null | grep -q ' U curl_url' ||
    { echo "scalable still calls curl_url"; return 1; }
  make -C "$dir/common" check TESTS="test/test_curl_protocols" &&
    make -C "$dir/orchestrator" check TESTS="lib/http/test/test_url_parts run/test/test_ai_notify" &&
    make -C "$dir/tests" check TESTS="cli/ai_notify.sh"
}

# The HTTP code on libcurl 7.61's API (configure --enable-curl-legacy) on
# this machine's newer libcurl: its HTTP unit and shell tests.
run_curl_legacy_stage() {
  local dir="$build-curl-legacy" start=$SECONDS rc=0
  say "libcurl 7.61's API: configure --enable-curl-legacy, the HTTP tests ($dir)"
  (
    mkdir -p "$dir" && cd "$dir" &&
      "$top/configure" --enable-curl-legacy --enable-werror --enable-test-seams &&
      make -j"$(nproc)" && curl_legacy_checks "$dir"
  ) >"$build/curl-legacy.out" 2>&1 || rc=1
  grep -E '^(# (PASS|FAIL|ERROR|SKIP):|FAIL:|ERROR:)|still|error:' "$build/curl-legacy.out"
  stage_verdict curl-legacy "$rc"
  echo "curl legacy: took $((SECONDS - start)) s"
}

# stage_plugin: make install into BUILD/stage (DESTDIR), as an admin would;
# prints the installed plugin's path. The cluster loads it from there.
stage_plugin() {
  rm -rf "$build/stage"
  make -C "$build" install DESTDIR="$build/stage" >"$build/install.out" 2>&1 ||
    { tail -20 "$build/install.out" >&2; return 1; }
  find "$build/stage" -name spank_scalable.so -type f | grep . | head -1
}
