#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make install of the plugin, in TAP, into a DESTDIR: spank_scalable.so in
# the configured plugin directory (no libtool archive beside it), and
# $(sysconfdir)/slurm/plugstack.conf.d/scalable.conf naming it by its
# absolute path, commented out; a reinstall keeps an admin's edited
# scalable.conf, uninstall removes the plugin and only an unedited
# scalable.conf. contrib/plugstack.conf.example is the same file for
# Debian's plugin directory. The man pages install under their names.
srcdir=${SCALABLE_TEST_SRCDIR:?set by make check (build-aux/unit-tests.am)}
builddir=${SCALABLE_TEST_BUILDDIR:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
# configure makes spank/Makefile in any build; the top Makefile says whether it is built.
if ! grep -q '^SPANK_SUBDIR = spank' "$builddir/Makefile"; then
	echo "1..0 # SKIP no plugin in this build (configure --disable-plugin)"
	exit 0
fi
echo "1..13"
dest=$work/dest

check "make install of the plugin into a DESTDIR" 0 make -C "$builddir/spank" install DESTDIR="$dest"
so=$(find "$dest" -name spank_scalable.so)
conf=$(find "$dest" -path '*/slurm/plugstack.conf.d/scalable.conf')
equals "one spank_scalable.so installed" "$(echo "$so" | grep -c .)" 1
equals "no libtool archive beside it" "$(find "$dest" -name '*.la' | wc -l)" 0
equals "scalable.conf in \$(sysconfdir)/slurm/plugstack.conf.d/" "$(echo "$conf" | grep -c .)" 1
equals "scalable.conf's one plugin line: commented out, the installed path" \
	"$(grep -v -e '^# ' -e '^#$' "$conf")" "#optional ${so#"$dest"} log=verbose"

sed -i 's/^#optional/optional/' "$conf"
check "make install again" 0 make -C "$builddir/spank" install DESTDIR="$dest"
holds "it says it keeps the admin's scalable.conf" out "keeping $conf"
equals "the admin's scalable.conf is kept" "$(grep -c '^optional ' "$conf")" 1
check "make uninstall" 0 make -C "$builddir/spank" uninstall DESTDIR="$dest"
check "the plugin is gone, the edited scalable.conf stays" 0 test ! -e "$so" -a -f "$conf"
rm "$conf"
make -C "$builddir/spank" install DESTDIR="$dest" >/dev/null 2>&1
make -C "$builddir/spank" uninstall DESTDIR="$dest" >/dev/null 2>&1
check "an unedited scalable.conf goes with uninstall" 0 test ! -e "$conf"

sed 's|@slurmplugindir@|/usr/lib/x86_64-linux-gnu/slurm-wlm|' "$srcdir/spank/scalable.conf.in" >example
check "contrib/plugstack.conf.example is scalable.conf for Debian's plugin directory" 0 \
	cmp example "$srcdir/contrib/plugstack.conf.example"

make -C "$builddir" install-man DESTDIR="$dest" >/dev/null 2>&1
equals "the man pages install under their names" \
	"$(cd "$dest" && find . -path '*/man/man*' -type f | sed 's|.*/||' | sort | tr '\n' ' ')" \
	"scalable.1 scalable.yaml.5 spank_scalable.8 "
