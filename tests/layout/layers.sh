#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The folder order of orchestrator/LAYERS, over every #include line (TAP):
# a file includes from its own folder or a lower one, never a higher one;
# common/ includes nothing of spank/ or orchestrator/, spank/ nothing of
# orchestrator/; every folder with code is declared; only tests include
# testing/. Usage: layers.sh [SRCDIR] (default: the checkout it is in).
top=${1:-${SCALABLE_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
cd "$top" || exit 1
echo "1..4"

# rank FOLDER: its line number among the declared folders; 0 when undeclared.
layers=$(grep -v '^#' orchestrator/LAYERS | grep .)
rank() {
	echo "$layers" | awk -v f="$1" '$0 == f { print NR; found = 1 } END { if (!found) print 0 }'
}

# folder_of PATH (relative to orchestrator/): the declared folder holding it.
folder_of() {
	case $1 in
	testing/*) echo testing; return ;;
	esac
	d=$(dirname "$1")
	d=${d%/test}
	echo "$d"
}

bad=$(mktemp)
trap 'rm -f "$bad"' EXIT

# 1: every folder with sources is declared.
for f in $(cd orchestrator && find . -name '*.[ch]' | sed 's|^\./||'); do
	d=$(folder_of "$f")
	[ "$d" = testing ] && continue
	[ "$(rank "$d")" -gt 0 ] || echo "orchestrator/$f: folder $d is not in orchestrator/LAYERS"
done | sort -u > "$bad"
if [ -s "$bad" ]; then echo "not ok 1 - every folder is declared"; sed 's/^/# /' "$bad"; else echo "ok 1 - every folder is declared"; fi

# 2: no include climbs (a name found in common/, like test/tmpdir.h, is common's).
(cd orchestrator && grep -rnE '^#[[:space:]]*include[[:space:]]+"[^"]+/' --include='*.[ch]' .) |
sed -E 's|^\./([^:]+):[0-9]+:.*include[[:space:]]+"([^"]+)".*|\1 \2|' |
while read -r file target; do
	[ -e "common/$target" ] && [ ! -e "orchestrator/$target" ] && continue
	echo "$file $(folder_of "$file") $target $(folder_of "$target")"
done | awk -v layers="$layers" '
BEGIN { n = split(layers, l, "\n"); for (i = 1; i <= n; i++) rank[l[i]] = i }
{
	file = $1; from = $2; target = $3; to = $4
	if (to == "testing") {
		if (file !~ /\/test\// && file !~ /^testing\//)
			print "orchestrator/" file " includes " target ": test support outside a test"
		next
	}
	if (from == "testing") from = "cmd"   # test support may use any folder
	if (!(to in rank)) { print "orchestrator/" file " includes " target ": no such folder"; next }
	if (rank[to] > rank[from])
		print "orchestrator/" file " (" from ") includes " target " (" to "), a higher folder"
}' > "$bad"
if [ -s "$bad" ]; then echo "not ok 2 - no include climbs to a higher folder"; sed 's/^/# /' "$bad"; else echo "ok 2 - no include climbs to a higher folder"; fi

# 3: an orchestrator header is named with its folder, so the check above sees it.
: > "$bad"
for f in $(cd orchestrator && find . -name '*.h' ! -path './testing/*' -printf '%f\n'); do
	(cd orchestrator && grep -rnE "^#[[:space:]]*include[[:space:]]+\"$f\"" --include='*.[ch]' . | grep -v '/test/' | sed 's|^\./|orchestrator/|; s|$| (name the folder)|')
done > "$bad"
if [ -s "$bad" ]; then echo "not ok 3 - orchestrator headers are included with their folder"; sed 's/^/# /' "$bad"; else echo "ok 3 - orchestrator headers are included with their folder"; fi

# 4: common/ stands alone; spank/ depends on common/ only.
: > "$bad"
for f in $(find common spank -name '*.[ch]' ! -path '*/test/*'); do
	grep -HnE '^#[[:space:]]*include[[:space:]]+"' "$f" | while IFS= read -r line; do
		inc=$(echo "$line" | sed -E 's/.*include[[:space:]]+"([^"]+)".*/\1/')
		# configure's own header (the version, the libcurl API found) is no module.
		[ "$inc" = config.h ] && continue
		case $f in
		common/*) [ -e "common/$inc" ] || echo "$f includes $inc, which is not in common/" ;;
		spank/*) [ -e "spank/$inc" ] || [ -e "common/$inc" ] || echo "$f includes $inc, which is neither in spank/ nor common/" ;;
		esac
	done
done > "$bad"
if [ -s "$bad" ]; then echo "not ok 4 - common/ stands alone, spank/ uses common/ only"; sed 's/^/# /' "$bad"; else echo "ok 4 - common/ stands alone, spank/ uses common/ only"; fi
