#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every source file says its licence in its first lines, as SPDX has it
# ("SPDX-License-Identifier: GPL-2.0-or-later"; LICENSE holds the text):
# C, shell, bats, Python, awk, automake and m4 files, and the scripts
# without a suffix. Test data (tests/fixtures, the fuzz corpus), templates
# and examples are not code and carry none.
top=${1:-${SCALABLE_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}}
cd "$top" || exit 1
echo "1..1"
scripts="configure.ac demo .ci/run contrib/build contrib/install-deps tests/run \
tests/cluster/cluster tests/cluster/smoke tests/fuzz/build bench/follow_scale"
bad=$(
	{
		find common spank orchestrator tests bench contrib \
			\( -path tests/fixtures -o -path tests/fuzz/corpus \) -prune -o -type f \
			\( -name '*.[ch]' -o -name '*.sh' -o -name '*.bash' -o -name '*.bats' \
			-o -name '*.py' -o -name '*.awk' -o -name '*.am' -o -name '*.m4' \) -print
		find m4 -name 'scalable_*.m4'
		find tests/slurm -type f ! -name '*.md'
		for f in $scripts; do [ -e "$f" ] && echo "$f"; done
	} | sort -u | while read -r f; do
		head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-or-later' || echo "$f"
	done
)
if [ -n "$bad" ]; then
	echo "not ok 1 - every source file has its SPDX-License-Identifier line"
	echo "$bad" | sed 's/^/# no SPDX line: /'
else
	echo "ok 1 - every source file has its SPDX-License-Identifier line"
fi
