#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/package/rpm.sh: the RPM spec (contrib/rpm/scalable.spec) on Debian.
#   1. `make dist` (in the configured build, else in a configured copy of
#      the tree) and the spec's Version against configure.ac's;
#   2. `rpmbuild -bs` from that tarball: the source RPM, holding the
#      tarball and the spec;
#   3. rpmlint on the spec and the source RPM (with
#      contrib/rpm/scalable-rpmlintrc, whose filters say why): an error is a
#      failure, warnings are shown;
#   4. the Slurm pin: with the Slurm version of Debian's libslurm-dev given
#      (--define slurm_version), slurm-spank-scalable requires that major and
#      no other. (Taking it from an installed slurm-devel needs an RPM
#      system: not tested here.) No binary RPM is built: Debian has no
#      slurm-devel RPM to build against.
# Prints "ok - ...", "not ok - ...", "ok - ... # skip REASON" lines and
# "# time STEP: N s"; exit 1 when something failed. Work files:
# $SCALABLE_BUILD_DIR/package-rpm (default _build/package-rpm).
set -euo pipefail

top=${SCALABLE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/package/tap.bash
. "$top/tests/package/tap.bash"
build=${SCALABLE_BUILD_DIR:-$top/_build}
work=$build/package-rpm
spec=$top/contrib/rpm/scalable.spec
rc_file=$top/contrib/rpm/scalable-rpmlintrc
case ${1:-} in
-h | --help) header_help "$0"; exit 0 ;;
"") ;;
*) echo "rpm.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
esac

finish() {
	tap_summary rpm
	((nfail == 0))
}
trap 'finish || exit 1' EXIT

missing=()
for tool in rpmbuild rpmspec rpmlint; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
	skip "rpm: source RPM and rpmlint" "${missing[*]} not installed (contrib/install-deps installs rpm and rpmlint)"
	exit 0
fi

version=$(configure_version)
tarball=scalable-$version.tar.gz
rm -rf "$work"
mkdir -p "$work"

# --- 1. make dist -------------------------------------------------------------
# dist: in the configured build; without one, in a configured copy of HEAD
# (git archive: committed files only).
dist() {
	local dir=$build
	if [[ ! -f $build/Makefile ]]; then
		dir=$work/dist
		mkdir -p "$dir" "$work/src"
		git -C "$top" archive HEAD | tar -x -C "$work/src" || return 1
		(cd "$work/src" && autoreconf -fi && cd "$dir" && "$work/src/configure") >"$work/dist.log" 2>&1 || return 1
	fi
	make -C "$dir" dist >>"$work/dist.log" 2>&1 && mv "$dir/$tarball" "$work/"
}
if timed make-dist dist && [[ -f $work/$tarball ]]; then
	pass "rpm: make dist makes $tarball"
else
	fail "rpm: make dist failed ($work/dist.log)"
	tail_of "$work/dist.log"
	exit 1
fi
spec_version=$(rpmspec -q --srpm --qf '%{version}' "$spec" 2>/dev/null)
if [[ $spec_version == "$version" ]]; then
	pass "rpm: the spec's Version is configure.ac's ($version)"
else
	fail "rpm: the spec's Version is '$spec_version', configure.ac's $version"
fi

# --- 2. rpmbuild -bs ------------------------------------------------------------
srpm_build() {
	rpmbuild -bs --define "_topdir $work/rpmbuild" --define "_sourcedir $work" "$spec" >"$work/rpmbuild.log" 2>&1
}
srpm=""
if timed rpmbuild-bs srpm_build; then
	srpm=$(ls "$work"/rpmbuild/SRPMS/scalable-"$version"-*.src.rpm)
	pass "rpm: rpmbuild -bs makes ${srpm##*/}"
	contents=$(rpm -qpl "$srpm" 2>/dev/null | sort | tr '\n' ' ')
	if [[ $contents == "$tarball scalable.spec " ]]; then
		pass "rpm: the source RPM holds the spec and $tarball"
	else
		fail "rpm: the source RPM holds: $contents"
	fi
else
	fail "rpm: rpmbuild -bs failed"
	tail_of "$work/rpmbuild.log"
fi

# --- 3. rpmlint -----------------------------------------------------------------
lint() { rpmlint -r "$rc_file" "$spec" ${srpm:+"$srpm"} >"$work/rpmlint.log" 2>&1 || true; }
timed rpmlint lint
grep -E ': [EW]: ' "$work/rpmlint.log" | sed 's/^/#   /' || true
summary=$(grep -E '[0-9]+ errors, [0-9]+ warnings' "$work/rpmlint.log" || true)
if [[ $summary =~ ([0-9]+)\ errors ]] && ((BASH_REMATCH[1] == 0)); then
	pass "rpm: rpmlint on the spec${srpm:+ and the source RPM}: no error ($(grep -oE "[0-9]+ warnings" <<<"$summary"))"
else
	fail "rpm: rpmlint: ${summary:-no summary line}"
	tail_of "$work/rpmlint.log"
fi

# --- 4. the Slurm pin -------------------------------------------------------------
slurm_version=$(dpkg-query -W -f='${Version}' libslurm-dev 2>/dev/null | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')
if [[ -z $slurm_version ]]; then
	skip "rpm: the Slurm pin" "libslurm-dev not installed: no Slurm version to try the spec with"
else
	major=$(cut -d. -f1,2 <<<"$slurm_version")
	next=$(awk -F. '{ printf "%d.%02d", $1, $2 + 1 }' <<<"$major")
	requires=$(rpmspec -q --define "slurm_version $slurm_version" \
		--qf '%{name}: [%{requirenevrs}, ]\n' "$spec" 2>/dev/null | grep '^slurm-spank-scalable:' |
		sed -E 's/slurm\([^)]*\)/slurm/g')   # slurm(x86-64): the arch is %{?_isa}'s
	echo "#   $requires"
	if [[ $requires == *"slurm >= $major,"* && $requires == *"slurm < $next,"* ]]; then
		pass "rpm: slurm-spank-scalable built against Slurm $slurm_version requires slurm >= $major, < $next"
	else
		fail "rpm: slurm-spank-scalable's Requires do not pin Slurm $major"
	fi
fi
