# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the shell tests that print TAP: the counter and the kinds of
# check they share. The caller sets n=0.

# check DESCRIPTION EXPECTED-RC COMMAND...: runs COMMAND, compares its exit code.
check() {
	description=$1 expected=$2
	shift 2
	"$@" >out 2>err
	rc=$?
	n=$((n + 1))
	if [ "$rc" -eq "$expected" ]; then
		echo "ok $n - $description"
	else
		echo "not ok $n - $description: exit code $rc, not $expected"
		sed 's/^/# /' err
	fi
}

# holds DESCRIPTION FILE TEXT: FILE contains TEXT.
holds() {
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: no '$3' in $2"
		sed 's/^/# /' "$2"
	fi
}

# equals DESCRIPTION ACTUAL EXPECTED
equals() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: got '$2', expected '$3'"
	fi
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s, at most SECONDS.
wait_until() {
	tries=$(($1 * 10))
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}
