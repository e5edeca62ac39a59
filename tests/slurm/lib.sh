# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tests/slurm/lib.sh — shared by the version-matrix scripts of tests/slurm/
# (sourced, not run): where the Slurm source tarballs are, where what is made
# from them is cached, and the versions the matrix covers.

# The versions the matrix covers (issue 12): every one a site may run.
# SCALABLE_SLURM_VERSIONS overrides the list (blank-separated).
read -ra SLURM_MATRIX_VERSIONS <<<"${SCALABLE_SLURM_VERSIONS:-23.11.11 24.11.7 25.11.7 26.05.3}"

# The version the plugin's integration tests also run on, built from source.
SLURM_RUN_VERSION=${SCALABLE_SLURM_RUN_VERSION:-25.11.7}

# Cache of what is made from the tarballs, keyed by version: headers/VERSION
# (the compile matrix) and VERSION/ (a build's prefix). Built once per machine.
SLURM_CACHE=${SCALABLE_SLURM_CACHE:-/var/cache/scalable/slurm}

# slurm_sources_dir: the directory holding slurm-VERSION.tar.xz, printed;
# fails (with nothing printed) when there is none. $SCALABLE_SLURM_SOURCES if
# set, else shared/slurm beside the checkout, else /work/shared/slurm.
slurm_sources_dir() {
	local top dir
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	if [[ -n ${SCALABLE_SLURM_SOURCES:-} ]]; then
		[[ -d $SCALABLE_SLURM_SOURCES ]] && echo "$SCALABLE_SLURM_SOURCES"
		return
	fi
	for dir in "$top/../shared/slurm" /work/shared/slurm; do
		[[ -d $dir ]] && { (cd "$dir" && pwd); return 0; }
	done
	return 1
}

# slurm_tarball VERSION: the path of slurm-VERSION.tar.xz, printed; fails
# with the reason on stderr when it is not there.
slurm_tarball() {
	local dir
	if ! dir=$(slurm_sources_dir); then
		echo "no Slurm sources: set SCALABLE_SLURM_SOURCES (a directory of slurm-VERSION.tar.xz)${SCALABLE_SLURM_SOURCES:+; $SCALABLE_SLURM_SOURCES does not exist}" >&2
		return 1
	fi
	[[ -f $dir/slurm-$1.tar.xz ]] || { echo "no slurm-$1.tar.xz in $dir" >&2; return 1; }
	echo "$dir/slurm-$1.tar.xz"
}

# slurm_version_number VERSION: 25.11.7 -> 0x190b07, as configure writes it.
slurm_version_number() {
	local major minor micro
	IFS=. read -r major minor micro <<<"$1"
	printf '0x%02x%02x%02x\n' "$((10#$major))" "$((10#$minor))" "$((10#${micro:-0}))"
}
