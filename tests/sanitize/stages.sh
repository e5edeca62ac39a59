# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests/run: its --sanitize and --fuzz stages. Uses tests/run's
# top, build, say, problem, passed, failed and run_unit_tests.

# The sanitizers' settings for the tests (and the scalable binary the shell
# tests start): leaks are failures; UB stops the process and says where.
# lsan.supp lists what we cannot fix, each with its reason.
sanitizer_env() {
  export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1
  export LSAN_OPTIONS=suppressions=$top/tests/sanitize/lsan.supp:print_suppressions=0
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
}

# build_sanitized DIR: the project again, with ASan and UBSan, tests and all.
# clang by default: its UBSan also sees arithmetic on a null pointer, which
# gcc's does not (SANITIZE_CC=gcc to compare). With -Werror, as the gcc
# build: the code is warning-free under both compilers.
build_sanitized() {
  local dir=$1 rc=0 cc=${SANITIZE_CC:-clang} stamp
  local flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
  stamp="$cc $flags -Werror"
  # A dir configured otherwise (another compiler, other flags) starts again.
  [[ -f $dir/sanitize.stamp && $(<"$dir/sanitize.stamp") == "$stamp" ]] || rm -rf "$dir"
  mkdir -p "$dir" || return 1
  if [[ ! -f $dir/Makefile ]]; then
    (cd "$dir" && "$top/configure" CC="$cc" --enable-test-seams --enable-werror CFLAGS="$flags" \
      LDFLAGS="-fsanitize=address,undefined" >configure.out 2>&1) ||
      { tail -20 "$dir/configure.out"; return 1; }
    echo "$stamp" >"$dir/sanitize.stamp"
  fi
  make -C "$dir" -j"$(nproc)" >"$dir/make.out" 2>&1 || rc=$?
  (( rc == 0 )) || grep -E 'error|Error' "$dir/make.out" | head -40
  return "$rc"
}

run_sanitized_unit_tests() {
  local dir="$build-sanitize" start=$SECONDS
  say "build with -fsanitize=address,undefined (${SANITIZE_CC:-clang}, $dir)"
  build_sanitized "$dir" || { problem "sanitize: build failed"; return; }
  sanitizer_env
  run_unit_tests "$dir" sanitize
  unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
  echo "sanitize: build and tests took $((SECONDS - start)) s"
}

# fuzz_verdict NAME DIR RC: one target's result; on a failure, its
# reproducers and the sanitizer's (or libFuzzer's) report.
fuzz_verdict() {
  local name=$1 dir=$2 rc=$3 runs
  runs=$(grep -oE '^Done [0-9]+ runs' "$dir/log" | grep -oE '[0-9]+')
  if (( rc == 0 )); then
    passed=$((passed + 1))
    echo "ok fuzz_$name: ${runs:-?} runs, corpus $(find "$dir/corpus" -type f | wc -l) inputs"
    return
  fi
  failed=$((failed + 1))
  echo "not ok fuzz_$name: libFuzzer exited $rc"
  find "$dir/artifacts" -type f -printf '  reproducer: %p\n'
  sed -n '/^==[0-9]*==ERROR\|runtime error\|^==[0-9]*== ERROR: libFuzzer\|ALARM: working/,/^SUMMARY/p' \
    "$dir/log" | head -60 | sed 's/^/  /'
  echo "  (full log: $dir/log; again: $bindir/fuzz_$name REPRODUCER)"
}

# run_fuzz_targets SECONDS: each target of tests/fuzz/ on a copy of its seed
# corpus (what it finds stays in the build dir, never in the repository).
run_fuzz_targets() {
  local seconds=$1 fuzzdir="$build-fuzz" bindir target name dir rc start=$SECONDS
  say "fuzz targets (libFuzzer, $seconds s each, $fuzzdir)"
  bindir=$("$top/tests/fuzz/build" "$fuzzdir") || { problem "fuzz: build failed"; return; }
  for target in "$bindir"/fuzz_*; do
    [[ -x $target && ! -d $target ]] || continue
    name=${target##*/fuzz_}
    dir="$fuzzdir/run/$name"
    rm -rf "$dir" && mkdir -p "$dir/artifacts" || { problem "fuzz_$name: no work dir"; continue; }
    if [[ ! -d $top/tests/fuzz/corpus/$name ]]; then
      problem "fuzz_$name: no seed corpus in tests/fuzz/corpus/$name"; continue
    fi
    cp -r "$top/tests/fuzz/corpus/$name" "$dir/corpus"
    (cd "$dir" && TMPDIR=$dir "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$dir/artifacts/" -print_final_stats=1 corpus </dev/null >"$dir/log" 2>&1)
    rc=$?
    fuzz_verdict "$name" "$dir" "$rc"
  done
  echo "fuzz: build and runs took $((SECONDS - start)) s"
}
