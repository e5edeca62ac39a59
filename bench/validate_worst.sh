#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# validate_worst.sh: `scalable validate` on the worst configs of at most
# 1 MB found so far, one per shape that once cost more than linear time
# (nesting, keys, parameters, placeholders, rows, lists), and prints for
# each its size, exit code, wall and CPU seconds and the first words of the
# answer. The goal (issue 11): every one answers in under a second.
#
#   bench/validate_worst.sh                 # build in _build (BUILD=dir for another)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD:-$here/_build}" && pwd)
scalable=$build/orchestrator/scalable
[ -x "$scalable" ] || { echo "validate_worst: no $scalable (build first; BUILD=dir)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "validate_worst: needs /usr/bin/time (GNU time)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/validate-worst.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import os, sys
MB = 1 << 20
work = sys.argv[1]
head = "version: 1\nproject: worst\ntargets:\n  local: {provider: local}\n"
comp = "components:\n  c: {command: \"echo {{ n }}\"}\n"
rng = "scenarios: {range: {name: n, start: 0, stop: 1}}\n"

def fit(prefix, item, suffix):
    """prefix, as many item(i) as fit in 1 MB, suffix"""
    parts, size, i = [prefix], len(prefix) + len(suffix), 0
    while size + len(item(i)) <= MB:
        parts.append(item(i))
        size += len(item(i))
        i += 1
    return "".join(parts) + suffix

def shuffled_list():
    names = [f"p{i}" for i in range(1000)]
    row = lambda order: "    - {" + ", ".join(f"{n}: 1" for n in order) + "}\n"
    return fit(head + comp.replace("{{ n }}", "{{ p0 }}") + "scenarios:\n  list:\n" + row(names),
               lambda i: row(names[::-1]), "")

cases = {
    "nested_flow": "[" * MB,                          # 200 KB of it took 72 s
    "nested_block": "- " * (MB // 2),
    "duplicate_key_last": fit(head + "components:\n  c:\n    command: \"echo {{ n }}\"\n    env:\n",
                              lambda i: f"      K{i}: 1\n", "      K0: 2\n" + rng),
    "many_env": fit(head + "components:\n  c:\n    command: \"echo {{ n }}\"\n    env:\n",
                    lambda i: f"      E{i}: v\n", rng),
    "many_top_keys": fit("", lambda i: f"k{i}: 1\n", ""),
    "many_components": fit(head + "components:\n",
                           lambda i: f"  c{i}: {{command: \"echo {{{{ n }}}}\"}}\n", rng),
    "many_setup_lines": fit(head + "components:\n  c:\n    command: \"echo {{ n }}\"\n    setup:\n",
                            lambda i: f"      - echo {i}\n", rng),
    "many_classify_rules": fit(head + comp + rng + "classify:\n",
                               lambda i: f"  - {{stderr: \"err{i}\", class: transient}}\n", ""),
    "many_params": fit(head + comp + "scenarios:\n  list:\n    - {", lambda i: f"p{i}: 1, ", "n: 1}\n"),
    "list_rows": fit(head + comp + "scenarios:\n  list:\n", lambda i: f"    - {{n: {i}}}\n", ""),
    "list_rows_keys_reversed": shuffled_list(),
    "matrix_values": fit(head + comp + "scenarios:\n  matrix:\n    n: [", lambda i: f"{i},", "0]\n"),
    "one_long_command": head + "components:\n  c: {command: \"" + "x" * (MB - 300) + "\"}\n" + rng,
    "many_placeholders": head + "components:\n  c: {command: \"" + "{{ n }}" * ((MB - 300) // 7) +
                         "\"}\n" + rng,
    "csv_many_columns": head + comp + "scenarios: {csv: rows.csv}\n",
    "csv_many_rows": head + comp + "scenarios: {csv: rows.csv}\n",
}
csv = {
    "csv_many_columns": fit("", lambda i: f"p{i},", "n\n1\n"),
    "csv_many_rows": fit("n\n", lambda i: f"{i}\n", ""),
}
for name, text in cases.items():
    assert len(text) <= MB, name
    os.makedirs(f"{work}/{name}")
    with open(f"{work}/{name}/scalable.yaml", "w") as f:
        f.write(text)
    if name in csv:
        with open(f"{work}/{name}/rows.csv", "w") as f:
            f.write(csv[name])
PY

printf '%-24s %8s %4s %7s %7s  %s\n' case bytes exit wall_s cpu_s answer
for dir in "$work"/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	bytes=$(cat "$dir"/* | wc -c)
	set +e
	/usr/bin/time -f '%e %U %S' -o "$work/time" timeout 120 "$scalable" validate \
		"$dir/scalable.yaml" >"$work/out" 2>&1
	rc=$?
	set -e
	# GNU time's last line (before it: "Command exited with non-zero status")
	read -r wall user sys < <(tail -1 "$work/time")
	answer=$(head -1 "$work/out" | sed "s|$work/||; s|^scalable: ||" | cut -c1-70)
	printf '%-24s %8d %4d %7.2f %7.2f  %s\n' "$name" "$bytes" "$rc" "$wall" \
		"$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$answer"
done
