# SPDX-License-Identifier: GPL-2.0-or-later
# What tests/package/deb.sh and rpm.sh share: their TAP lines and counts,
# step timing, log tails, --help from the script's header, and the version
# configure.ac gives. Sourced; needs $top.

npass=0 nfail=0 nskip=0
pass() { echo "ok - $*"; npass=$((npass + 1)); }
fail() { echo "not ok - $*"; nfail=$((nfail + 1)); }
skip() { echo "ok - $1 # skip $2"; nskip=$((nskip + 1)); }
# timed STEP CMD...: runs CMD, prints how long it took; its status.
timed() {
	local step=$1 start=$SECONDS rc=0
	shift
	"$@" || rc=$?
	echo "# time $step: $((SECONDS - start)) s"
	return "$rc"
}
# tail_of FILE [N]: the end of a log, as TAP diagnostics.
tail_of() { tail -n "${2:-25}" "$1" | sed 's/^/#   /'; }
# header_help SCRIPT: the script's header comment, as its --help.
header_help() {
	awk 'NR > 1 && !/^#/ { exit } NR > 1 && !/SPDX-License-Identifier/ { sub(/^# ?/, ""); print }' "$1"
}
# AC_INIT([scalable], [VERSION], ...): the second argument.
configure_version() {
	sed -n 's/^AC_INIT(\[scalable\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac"
}
# tap_summary NAME: the counts, as tests/run reads them.
tap_summary() { echo "# $1: $npass passed, $nfail failed, $nskip skipped"; }
