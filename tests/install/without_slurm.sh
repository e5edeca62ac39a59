#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The command alone on a machine without Slurm's headers: as root, in a
# private mount namespace, an empty tmpfs hides /usr/include/slurm; a plain
# configure must stop naming --disable-plugin, and configure --disable-plugin,
# make and make check must pass with no plugin built. Slow (a whole build):
# tests/run runs it once (its without-slurm stage), not make check.
#   tests/install/without_slurm.sh [BUILD_DIR]   (default: _build-noslurm)
# Exit 0 passed, 1 failed, 77 skipped (not root, or no unshare).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$top/_build-noslurm}
if (( EUID != 0 )); then
  echo "SKIP: needs root (a mount namespace hides /usr/include/slurm)"; exit 77
fi
if ! command -v unshare >/dev/null || ! unshare -m true 2>/dev/null; then
  echo "SKIP: unshare -m is not available here"; exit 77
fi
[[ -x $top/configure ]] || { echo "FAIL: no $top/configure (run autoreconf -fi)"; exit 1; }
rm -rf "$dir" && mkdir -p "$dir" || exit 1
export top dir
# In the namespace: every step says what it checks; the first failure ends it.
exec unshare -m --propagation private bash -c '
  fail() { echo "FAIL: $*"; exit 1; }
  mkdir -p /usr/include/slurm && mount -t tmpfs -o ro,size=1k none /usr/include/slurm ||
    fail "could not hide /usr/include/slurm"
  [[ ! -e /usr/include/slurm/spank.h ]] || fail "slurm/spank.h still visible"
  cd "$dir" || exit 1
  if "$top/configure" >configure-plain.out 2>&1; then fail "configure without Slurm headers passed"; fi
  grep -q -- "--disable-plugin" configure-plain.out ||
    fail "configure failed without naming --disable-plugin: $(tail -1 configure-plain.out)"
  echo "ok: a plain configure stops: $(grep "error:" configure-plain.out | sed "s/.*error: //")"
  "$top/configure" --disable-plugin --enable-werror --enable-test-seams >configure.out 2>&1 ||
    fail "configure --disable-plugin: $(tail -3 configure.out)"
  make -j"$(nproc)" >make.out 2>&1 || fail "make: $(grep -E "error" make.out | head -5)"
  [[ -x orchestrator/scalable ]] || fail "no orchestrator/scalable built"
  # (configure still makes spank/Makefile and its .deps: nothing is compiled there)
  built=$(find . -name "*.so" -o -name "*.la" -o -path "./spank/*.o" -o -path "./spank/*.lo" | grep -E "spank")
  [[ -z $built ]] || fail "plugin parts were built: $built"
  echo "ok: configure --disable-plugin and make: scalable built, no plugin"
  make -j"$(nproc)" check >check.out 2>&1 ||
    fail "make check: $(grep -E "^(FAIL|ERROR):" check.out | head -10)"
  echo "ok: make check: $(awk "/^# PASS:/ {s += \$3} END {print s + 0}" check.out) passed," \
    "$(awk "/^# SKIP:/ {s += \$3} END {print s + 0}" check.out) skipped (the plugin'"'"'s)"
'
