#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/package/deb.sh [--cluster] [--keep]: the Debian packages, end to end.
#   1. builds scalable_*.deb and slurm-spank-scalable_*.deb with
#      `dpkg-buildpackage -us -uc -b` in a copy of the tree (the checkout
#      stays clean), DEB_BUILD_OPTIONS=nocheck (tests/run runs make check
#      already; SCALABLE_DEB_BUILD_OPTIONS overrides it);
#   2. lints them: an E: from lintian is a failure, warnings are shown;
#   3. installs both with apt-get and checks what landed: the plugin in
#      Slurm's plugin directory, its plugstack.conf.d snippet (a conffile,
#      disabled, naming the plugin by absolute path), the man pages, the
#      Slurm pin in its Depends, `scalable --version`; then enables the
#      snippet as an admin would (uncomments its line) and has sbatch load
#      the plugin through `include /etc/slurm/plugstack.conf.d/*.conf`
#      (SCALABLE_PLUGSTACK_INCLUDE overrides) with a throwaway slurm.conf;
#   4. with --cluster (the private cluster of tests/cluster/ must be running):
#      makes the cluster's plugstack.conf `include` that pattern, runs
#      tests/integration/plugin.bats against the installed plugin, then puts
#      the cluster's plugstack.conf back as it was;
#   5. puts the installed snippet back (disabled) and purges the packages it
#      installed (--keep leaves them installed).
# Prints "ok - ...", "not ok - ...", "ok - ... # skip REASON" lines (the
# plugin.bats results among them) and "# time STEP: N s"; exit 1 when
# something failed. Work files: $SCALABLE_BUILD_DIR/package-deb (default
# _build/package-deb). Run as root.
set -euo pipefail

top=${SCALABLE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/package/tap.bash
. "$top/tests/package/tap.bash"
build=${SCALABLE_BUILD_DIR:-$top/_build}
work=$build/package-deb
cluster=$top/tests/cluster/cluster
packages=(scalable slurm-spank-scalable)
with_cluster=0 keep=0
while (($#)); do
	case $1 in
	--cluster) with_cluster=1 ;;
	--keep) keep=1 ;;
	-h | --help) header_help "$0"; exit 0 ;;
	*) echo "deb.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done


version=$(configure_version)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
plugin=/usr/lib/$multiarch/slurm-wlm/spank_scalable.so
snippet=/etc/slurm/plugstack.conf.d/scalable.conf
include=${SCALABLE_PLUGSTACK_INCLUDE:-/etc/slurm/plugstack.conf.d/*.conf}

# copy_tree DIR: the checkout's files (tracked and untracked, not ignored:
# no build output, no in-tree autoreconf results) into DIR.
copy_tree() {
	mkdir -p "$1"
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
			tar --null -T - -cf -) | tar -x -C "$1"
	else
		tar -C "$top" --exclude='./_build*' --exclude=./debian/build -cf - . | tar -x -C "$1"
	fi
}

# --- 1. build ---------------------------------------------------------------
missing=()
for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	skip "deb: build, lint, install" "${missing[*]} not installed (contrib/install-deps installs them)"
	tap_summary deb
	exit 0
fi

build_debs() {
	rm -rf "$work" && copy_tree "$work/scalable-$version" &&
		(cd "$work/scalable-$version" &&
			DEB_BUILD_OPTIONS=${SCALABLE_DEB_BUILD_OPTIONS-nocheck} \
				dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1)
}
if timed dpkg-buildpackage build_debs && compgen -G "$work/scalable_${version}-*_*.deb" >/dev/null; then
	pass "deb: dpkg-buildpackage -us -uc -b builds $(cd "$work" && printf '%s ' scalable_*.deb slurm-spank-scalable_*.deb)"
else
	fail "deb: dpkg-buildpackage -us -uc -b failed ($work/build.log)"
	tail_of "$work/build.log" 40
	tap_summary deb
	exit 1
fi
changes=$(ls "$work"/scalable_"$version"-*_*.changes)
debs=()
for p in "${packages[@]}"; do debs+=("$(ls "$work/${p}_${version}"-*_*.deb)"); done

# --- 2. lint ----------------------------------------------------------------
lint() { lintian --display-info --fail-on error "$changes" >"$work/lintian.log" 2>&1; }
if timed lintian lint && ! grep -q '^E: ' "$work/lintian.log"; then
	pass "deb: lintian: no error ($(grep -c '^W: ' "$work/lintian.log" || true) warnings, $(grep -c '^I: ' "$work/lintian.log" || true) infos)"
else
	fail "deb: lintian reports errors"
fi
grep -E '^[EWI]: ' "$work/lintian.log" | sed 's/^/#   /' || true

# --- 3. install -------------------------------------------------------------
if ((EUID != 0)); then
	skip "deb: install and installed files" "not root: apt-get install needs root"
	tap_summary deb
	((nfail == 0))
	exit
fi

installed_before=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' && installed_before+=("$p")
done
saved_plugstack="" snippet_saved=""

purge_debs() { DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$@" >"$work/purge.log" 2>&1; }
cleanup() {
	local rc=$?
	# The snippet and the cluster's plugstack.conf as they were.
	[[ -z $snippet_saved ]] || mv -f "$snippet_saved" "$snippet" 2>/dev/null || true
	if [[ -n $saved_plugstack ]]; then
		if cp -p "$saved_plugstack" "$SCALABLE_CLUSTER_PLUGSTACK.deb.$$"; then
			mv -f "$SCALABLE_CLUSTER_PLUGSTACK.deb.$$" "$SCALABLE_CLUSTER_PLUGSTACK" || true
		fi
		echo "# cluster: plugstack.conf restored: $(grep -v '^#' "$SCALABLE_CLUSTER_PLUGSTACK" | head -n1)"
	fi
	if ((!keep)); then
		local purge=() p
		for p in "${packages[@]}"; do
			[[ " ${installed_before[*]} " == *" $p "* ]] || purge+=("$p")
		done
		((${#installed_before[@]} == 0)) || echo "# installed before this test, left installed: ${installed_before[*]}"
		if ((${#purge[@]})) && dpkg-query -W "${purge[@]}" >/dev/null 2>&1; then
			if timed apt-get-purge purge_debs "${purge[@]}" &&
				[[ ! -e $plugin && ! -e $snippet ]]; then
				pass "deb: apt-get purge ${purge[*]} leaves neither the plugin nor the snippet"
			else
				fail "deb: apt-get purge ${purge[*]}"
				tail_of "$work/purge.log"
			fi
		fi
	fi
	tap_summary deb
	((nfail == 0 && rc == 0)) || exit 1
}
trap cleanup EXIT

install_debs() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${debs[@]}" >"$work/install.log" 2>&1
}
if timed apt-get-install install_debs; then
	pass "deb: apt-get install ${debs[*]##*/}"
else
	fail "deb: apt-get install failed"
	tail_of "$work/install.log"
	exit 1
fi

# check WHAT CMD...: one check of the installed packages.
check() {
	local what=$1
	shift
	if "$@"; then pass "deb: $what"; else fail "deb: $what"; fi
}
owned_by() { [[ $(dpkg-query -S "$2" 2>/dev/null) == "$1: $2" ]]; }
exports_spank() { nm -D --defined-only "$plugin" | grep -q ' slurm_spank_init$'; }
is_conffile() { dpkg-query -W -f='${Conffiles}\n' slurm-spank-scalable | grep -q "^ $snippet "; }
snippet_disabled() {
	! grep -qE '^[[:space:]]*(optional|required)' "$snippet" &&
		grep -qE "^#[[:space:]]*optional[[:space:]]+$plugin([[:space:]]|\$)" "$snippet"
}
man_pages() {
	local page
	for page in man1/scalable.1 man5/scalable.yaml.5 man8/spank_scalable.8; do
		[[ -f /usr/share/man/$page.gz ]] || { echo "#   missing /usr/share/man/$page.gz"; return 1; }
	done
}
slurm_pin() {
	local major next depends
	major=$(dpkg-query -W -f='${Version}' libslurm-dev | sed -e 's/^[0-9]*://' | cut -d. -f1,2)
	next=$(awk -F. '{ printf "%d.%02d", $1, $2 + 1 }' <<<"$major")
	depends=$(dpkg-query -W -f='${Depends}' slurm-spank-scalable)
	echo "#   Depends: $depends"
	[[ $depends == *"slurm-wlm-basic-plugins (>= $major)"* && $depends == *"slurm-wlm-basic-plugins (<< $next~)"* ]]
}
version_ok() {
	local out
	out=$(scalable --version 2>&1) || return 1
	echo "#   scalable --version: $out"
	[[ $out == *"$version"* ]]
}
check "the plugin is $plugin, from slurm-spank-scalable" owned_by slurm-spank-scalable "$plugin"
check "the plugin exports slurm_spank_init" exports_spank
check "$snippet is a conffile of slurm-spank-scalable" is_conffile
check "the snippet's line is commented out and names $plugin" snippet_disabled
check "man pages scalable(1), scalable.yaml(5), spank_scalable(8)" man_pages
check "slurm-spank-scalable depends on the Slurm major of libslurm-dev, no other" slurm_pin
check "scalable is /usr/bin/scalable, from the scalable package" owned_by scalable /usr/bin/scalable
check "the bash completion is the scalable package's" owned_by scalable /usr/share/bash-completion/completions/scalable
check "scalable --version says $version" version_ok
if grep -qsE '^[[:space:]]*include[[:space:]]+/etc/slurm/plugstack\.conf\.d/' /etc/slurm/plugstack.conf; then
	echo "# /etc/slurm/plugstack.conf includes plugstack.conf.d: enabling the snippet loads the plugin in the system Slurm"
fi

# enable_snippet: what the admin does, uncomment the line (in a copy moved
# in whole); cleanup puts the installed one back.
enable_snippet() {
	[[ -n $snippet_saved ]] && return 0
	snippet_saved=$work/scalable.conf.installed
	cp -p "$snippet" "$snippet_saved"
	sed -E '0,/^#[[:space:]]*(optional[[:space:]]+\/)/s//\1/' "$snippet" >"$snippet.deb.$$"
	chmod 0644 "$snippet.deb.$$"
	mv -f "$snippet.deb.$$" "$snippet"
	echo "# enabled: $(grep -E '^(optional|required)' "$snippet")"
}
# Slurm itself (sbatch, which loads plugstack.conf before it submits) loads
# the installed plugin through `include PATTERN` and the enabled snippet: a
# throwaway slurm.conf whose controller is port 1 of 127.0.0.1 (nothing
# listens there: nothing is submitted, no daemon is involved).
sbatch_loads_plugin() {
	local d=$work/slurm-probe
	mkdir -p "$d"
	printf '%s\n' ClusterName=scalable-deb-probe 'SlurmctldHost=localhost(127.0.0.1)' \
		SlurmctldPort=1 "PlugStackConfig=$d/plugstack.conf" 'NodeName=probe CPUs=1' \
		'PartitionName=probe Nodes=probe Default=YES' >"$d/slurm.conf"
	echo "include $include" >"$d/plugstack.conf"
	SLURM_CONF=$d/slurm.conf timeout 60 sbatch -vvvv --wrap true >"$d/sbatch.log" 2>&1 || true
	grep -E 'spank' "$d/sbatch.log" | head -n 5 | sed 's/^/#   /'
	grep -q 'spank: spank_scalable.so: init_post_opt = 0' "$d/sbatch.log"
}
enable_snippet
if command -v sbatch >/dev/null; then
	check "sbatch loads the installed plugin through 'include $include' and the enabled snippet" sbatch_loads_plugin
else
	skip "deb: sbatch loads the installed plugin through its snippet" "sbatch not installed (slurm-client)"
fi

# --- 4. the installed plugin in the private cluster --------------------------
run_plugin_bats() {
	local tap=$work/plugin.tap planned filter=() rc=0 results
	[[ -n ${BATS_FILTER:-} ]] && filter=(--filter "$BATS_FILTER")
	planned=$(bats --count "${filter[@]}" "$top/tests/integration/plugin.bats")
	BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-1200} SCALABLE_BUILD_DIR=$build SCALABLE_TOP=$top \
		SCALABLE_PLUGIN_SNIPPET=$snippet SCALABLE_PLUGSTACK_INCLUDE=$include \
		bats --tap "${filter[@]}" "$top/tests/integration/plugin.bats" >"$tap" 2>&1 || rc=$?
	# bats' results as ours: "ok 3 name" -> "ok - plugin.bats (installed): name"
	sed -E 's/^(not )?ok [0-9]+ /\1ok - plugin.bats (installed .deb): /; /^(not )?ok - /!s/^/#   /' "$tap"
	npass=$((npass + $(grep -cE '^ok [0-9]+ ' "$tap" || true)))
	nskip=$((nskip + $(grep -cE '^ok [0-9]+ .*# skip' "$tap" || true)))
	npass=$((npass - $(grep -cE '^ok [0-9]+ .*# skip' "$tap" || true)))
	nfail=$((nfail + $(grep -cE '^not ok [0-9]+ ' "$tap" || true)))
	results=$(grep -cE '^(not )?ok [0-9]+ ' "$tap" || true)
	if ((results < planned)); then
		fail "plugin.bats (installed .deb): bats stopped after $results of its $planned tests"
	elif ((rc != 0)) && ! grep -qE '^not ok ' "$tap"; then
		fail "plugin.bats (installed .deb): bats exited $rc with no failed test"
	fi
}
if ((with_cluster)); then
	eval "$("$cluster" env)"
	if ! command -v bats >/dev/null; then
		fail "plugin.bats (installed .deb): bats not installed (contrib/install-deps)"
	elif ! "$cluster" status >"$work/cluster-status.log" 2>&1; then
		fail "plugin.bats (installed .deb): the private cluster is not running (tests/cluster/cluster start)"
		tail_of "$work/cluster-status.log"
	else
		saved_plugstack=$work/plugstack.conf.saved
		cp -p "$SCALABLE_CLUSTER_PLUGSTACK" "$saved_plugstack"
		if "$cluster" plugstack --include "$include" >/dev/null; then
			echo "# cluster plugstack.conf: $(grep -v '^#' "$SCALABLE_CLUSTER_PLUGSTACK")"
			timed plugin.bats run_plugin_bats
			"$cluster" status >"$work/cluster-status.log" 2>&1 ||
				{ fail "cluster after plugin.bats (installed .deb): a daemon is down"; tail_of "$work/cluster-status.log"; }
		else
			fail "plugin.bats (installed .deb): tests/cluster/cluster plugstack --include failed"
		fi
	fi
else
	echo "# no --cluster: the installed plugin's integration tests (plugin.bats) not run"
fi
