#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Site and user defaults, in TAP: account, partition, qos, runs_dir and
# notify from $SCALABLE_SITE_DEFAULTS and $SCALABLE_USER_DEFAULTS under a
# project's config (project > user > site > built-in), validate saying where
# each value came from (text and --json), runs_dir for every command (and
# $SCALABLE_RUNS_DIR over it), a run keeping the defaults it was made with,
# and a bad defaults file refused with file:line:column (exit 2).
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
. "$(dirname "$0")/tap_checks.sh"
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
unset SCALABLE_RUNS_DIR XDG_CONFIG_HOME
export HOME="$work/home" SCALABLE_SITE_DEFAULTS="$work/site.yaml" \
	SCALABLE_USER_DEFAULTS="$work/user.yaml"
mkdir "$HOME"
echo "1..30"

cat >scalable.yaml <<'YAML'
version: 1
project: defaults
targets:
  local: {provider: local}
  hpc:
    provider: slurm
    qos: own-qos
components:
  model: {command: "true"}
scenarios:
  range: {name: i, start: 1, stop: 2, step: 1}
YAML
cat >site.yaml <<'YAML'
account: site-acct
partition: site-part
qos: site-qos
runs_dir: ~/site-runs
YAML
cat >user.yaml <<'YAML'
# the user's own
partition: user-part
runs_dir: ~/my-runs
notify: {timeout: 7s}
YAML

check "validate under site and user defaults" 0 "$scalable" validate
equals "account from the site, with its line" \
	"$(awk '$1 == "targets.hpc.account" { print $2, $3, $4, $5 }' out)" \
	"site-acct (site defaults $work/site.yaml:1)"
holds "partition from the user over the site" out "(user defaults $work/user.yaml:2)"
holds "qos from the project over both" out "own-qos"
holds "qos's line in the project" out "(project scalable.yaml:7)"
holds "runs_dir from the user, ~ expanded" out "$HOME/my-runs"
holds "notify.timeout from the user" out "7s"
holds "notify.webhook: none, built-in" out "notify.webhook"
check "validate --json" 0 "$scalable" validate --json
equals "--json: where account came from" \
	"$(jq -c '.settings[] | select(.key == "targets.hpc.account") | [.value, .source, .file, .line]' out)" \
	"[\"site-acct\",\"site defaults\",\"$work/site.yaml\",1]"
equals "--json: qos from the project" \
	"$(jq -c '.settings[] | select(.key == "targets.hpc.qos") | [.value, .source, .line]' out)" \
	'["own-qos","project",7]'
equals "--json: the built-in webhook" \
	"$(jq -c '.settings[] | select(.key == "notify.webhook") | [.value, .source]' out)" \
	'[null,"built-in"]'
check "plan for the slurm target" 0 "$scalable" plan --target hpc --max-array-size 10
holds "sbatch gets the merged values" out "--partition=user-part --account=site-acct --qos=own-qos"

# runs_dir: where runs go and where every command looks for them.
check "run goes to the defaults' runs_dir" 0 "$scalable" run --target local
check "the run is under ~/my-runs" 0 sh -c 'ls -d "$HOME"/my-runs/run-*-defaults-*'
check "status finds it there" 0 "$scalable" status --latest
check "runs lists it" 0 "$scalable" runs --json
equals "one run listed" "$(jq length out)" 1
check "the run recorded the defaults it was made with" 0 \
	grep -q '"account": "site-acct"' "$HOME"/my-runs/run-*/defaults.yaml
check "SCALABLE_RUNS_DIR over the defaults" 5 env SCALABLE_RUNS_DIR="$work/none" \
	"$scalable" status --latest
check "validate names the environment" 0 env SCALABLE_RUNS_DIR="$work/none" \
	"$scalable" validate
holds "runs_dir from \$SCALABLE_RUNS_DIR" out "(environment \$SCALABLE_RUNS_DIR)"

# Other defaults now: the run keeps its own (its config loads as it did).
echo "account: changed" >site.yaml
check "resume after the defaults changed: nothing to resume" 0 "$scalable" resume --latest
holds "resume read the run's own config" out "nothing to resume"

# A bad defaults file: the file, line and column, exit 2, for every command.
printf 'partition: p\nacount: x\n' >user.yaml
check "an unknown key in the user defaults" 2 "$scalable" validate
holds "it names file:line:column and the key" err \
	"scalable: $work/user.yaml:2:1: error: unknown key 'acount' in a defaults file (did you mean 'account'?)"
printf 'qos: [a\n' >user.yaml
check "bad YAML in the user defaults: status refuses too" 2 "$scalable" status
holds "it names where" err "scalable: $work/user.yaml:2:1: error: invalid YAML"
check "no defaults files at all: built-in" 0 env SCALABLE_SITE_DEFAULTS= SCALABLE_USER_DEFAULTS= \
	"$scalable" validate
