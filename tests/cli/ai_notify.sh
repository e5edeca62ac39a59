#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# diagnose --ai and the notify: webhook, in TAP, against tiny HTTP servers on
# 127.0.0.1 (fake_http.py, python3 stdlib): a run on the local target tells
# its webhook (run id, status, counts) and survives a webhook that hangs;
# diagnose --ai sends the model, a redacted summary and the key (from a file,
# then from the environment) and prints the answer, but never where a
# manifest others can write or own sends it; no task sees an API key; a refused, failing,
# hanging, redirecting, oversized or nonsensical endpoint, and one whose
# certificate cannot be verified (openssl makes it), leave the heuristic
# report and a notice.
scalable=${SCALABLE_BIN:?set by make check (build-aux/unit-tests.am)}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is missing (contrib/install-deps installs it)"
	exit 0
fi
. "$here/tap_checks.sh"
work=$(mktemp -d) || exit 1
servers=""
cleanup() {
	for pid in $servers; do kill "$pid" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE  # through the EXIT trap: no server left behind
cd "$work" || exit 1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy \
	SCALABLE_AI_URL SCALABLE_AI_MODEL SCALABLE_AI_KEY_FILE SCALABLE_AI_KEY OPENAI_API_KEY
n=0
echo "1..61"

# lacks DESCRIPTION FILE TEXT: FILE does not contain TEXT.
lacks() {
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then
		echo "not ok $n - $1: '$3' in $2"
	else
		echo "ok $n - $1"
	fi
}

# serve MODE NAME: starts fake_http.py; its port in $port, its log NAME.log.
serve() {
	python3 "$here/fake_http.py" "$1" "$2.port" "$2.log" &
	servers="$servers $!"
	tries=0
	while [ ! -s "$2.port" ] && [ $tries -lt 100 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	port=$(cat "$2.port" 2>/dev/null)
	[ -n "$port" ] || { echo "Bail out! fake_http.py $1 did not start"; exit 1; }
}

# A port nobody listens on (bound, then let go).
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat >task.sh <<'SH'
case "$1" in
1) echo "connecting to db with password=hunter2-planted-secret" >&2
   echo "Authorization: Bearer planted0token0abcdef" >&2
   echo "clone with ghp_PlantedGithubToken1234567890 failed" >&2
   echo "RuntimeError: solver diverged" >&2
   exit 1 ;;
esac
echo "ok $1 keys=${TEST_AI_KEY-}${SCALABLE_AI_KEY-}${OPENAI_API_KEY-}."
SH

# config WEBHOOK KEY-LINE: a 3-task sweep whose task 1 fails.
config() {
	cat >scalable.yaml <<YAML
version: 1
project: ainotify
targets:
  local: {provider: local}
components:
  model: {command: "sh ./task.sh {{ n }}"}
scenarios:
  range: {name: n, start: 0, stop: 2}
retry:
  runtime_error: {max_attempts: 1}
notify:
  webhook: $1
  timeout: 2s
ai:
  url: http://127.0.0.1:$chat_port/v1
  model: test-model
  $2
  timeout: 2s
YAML
}

serve chat chat
chat_port=$port
serve hook hook
hook_port=$port
serve hang hang
hang_port=$port

# notify: a run that fails tells the webhook, and its exit code stays 1.
printf 'sk-test-key-from-file\n' >ai.key
chmod 600 ai.key
config "http://127.0.0.1:$hook_port/services/T0/B0/x" "api_key_file: ai.key"
export SCALABLE_RUNS_DIR="$work/runs-a"
check "a failing run exits 1 with a webhook" 1 "$scalable" run --target local
run_a=$(ls -d "$work"/runs-a/run-*)
id_a=${run_a##*/}
holds "the webhook got the run id" hook.log "\"run_id\":\"$id_a\""
holds "the webhook got the status" hook.log '"status":"failed"'
holds "the webhook got the counts" hook.log '"succeeded":2,"failed":1,"cancelled":0'
holds "the webhook got a Slack text" hook.log "\"text\":\"scalable run $id_a (ainotify) failed: 3 tasks, 2 succeeded, 1 failed"
holds "the webhook got the run directory" hook.log "\"run_dir\":\"$run_a\""
holds "the webhook got the command that makes the report" hook.log "\"report_command\":\"scalable report --run-id $id_a\""
holds "the close wrote report.html, and the webhook got its path" hook.log "\"report\":\"$run_a/report.html\""
holds "notify.jsonl records the webhook was told" "$run_a/notify.jsonl" '"outcome":"sent"'
lacks "a told webhook says nothing on stderr" err "notify"

# notify: a hanging webhook is given up after its timeout; the run's exit
# code is what it would be without it.
config "http://127.0.0.1:$hang_port/hook" "api_key_env: TEST_AI_KEY"
export SCALABLE_RUNS_DIR="$work/runs-b"
check "a hanging webhook leaves the run's exit code" 1 env TEST_AI_KEY=secret-named \
	SCALABLE_AI_KEY=secret-scalable OPENAI_API_KEY=secret-openai "$scalable" run --target local
holds "the hanging webhook is one line on stderr" err "scalable: notify: the webhook at 127.0.0.1 was not told: no answer within 2s (the run is not affected)"
check "the notice is one line" 0 test "$(grep -c notify err)" -eq 1
run_b=$(ls -d "$work"/runs-b/run-*)
holds "notify.jsonl records the failure" "$run_b/notify.jsonl" '"outcome":"failed"'
holds "the run is closed failed all the same" "$run_b/run.json" '"status": "failed"'
check "the tasks ran" 0 grep -rqF "ok 0 keys=." "$run_b/logs"
check "no API key reached a task (ai.api_key_env's, SCALABLE_AI_KEY, OPENAI_API_KEY)" 1 \
	grep -rq "secret-" "$run_b/logs"

# notify: a cancelled run is told too.
config "http://127.0.0.1:$hook_port/hook" "api_key_file: ai.key"
sed 's/stop: 2/stop: 0/; s|sh ./task.sh {{ n }}|sleep 300|' scalable.yaml >cancel.yaml
export SCALABLE_RUNS_DIR="$work/runs-c"
"$scalable" run --target local cancel.yaml >cancel.out 2>&1 &
follower=$!
tries=0
until grep -qs '"state":"running"' "$work"/runs-c/run-*/tasks.jsonl || [ $tries -ge 300 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
check "cancel a running run" 0 "$scalable" cancel --latest
wait $follower
check "the cancelled run's follower exits 1" 0 test $? -eq 1
holds "the webhook heard of the cancelled run" hook.log '"status":"cancelled"'

# diagnose --ai with the run's ai: section and its key file.
export SCALABLE_RUNS_DIR="$work/runs-a"
check "diagnose --ai" 0 "$scalable" diagnose --ai
holds "the heuristic report comes first" out "detected across"
holds "the answer follows it" out "FAKE-ANSWER: raise the solver tolerance"
holds "the request went to {url}/chat/completions" chat.log "PATH /v1/chat/completions"
holds "the request names the model" chat.log '"model":"test-model"'
holds "the request holds the summary" chat.log "RuntimeError: solver diverged"
holds "the request names the run" chat.log "run_id\\\":\\\"$id_a"
lacks "no planted password" chat.log "hunter2-planted-secret"
lacks "no planted bearer token" chat.log "planted0token0abcdef"
lacks "no planted GitHub token" chat.log "PlantedGithubToken1234567890"
holds "the key from the key file" chat.log "AUTH Bearer sk-test-key-from-file"
check "diagnose --ai --json" 0 "$scalable" diagnose --ai --json
holds "--json has the answer in an ai object" out '"answer": "FAKE-ANSWER: raise'
chmod 644 ai.key
check "a key file others can read: the report alone" 0 "$scalable" diagnose --ai
holds "... and why" err "no AI analysis: the key file"
chmod 600 ai.key

# The key from the variable the run's ai.api_key_env names.
SCALABLE_RUNS_DIR="$work/runs-b" TEST_AI_KEY=env-key-123 check "diagnose --ai, key from the environment" 0 "$scalable" diagnose --ai
holds "the key from the environment" chat.log "AUTH Bearer env-key-123"

# A manifest that others can write, or that is another user's, does not
# say where the key goes: no request at all, and a notice why.
requests_before=$(grep -c '^PATH' chat.log)
chmod g+w "$run_a/manifest.yaml"
check "diagnose --ai of a manifest the group can write" 0 "$scalable" diagnose --ai
holds "... says its url and key settings are not used" err "its ai.url and key settings are not used"
check "... and sends nothing" 0 test "$(grep -c '^PATH' chat.log)" -eq "$requests_before"
chmod g-w "$run_a/manifest.yaml"
if [ "$(id -u)" -eq 0 ] && chown nobody "$run_a/manifest.yaml" 2>/dev/null; then
	check "diagnose --ai of another user's manifest" 0 "$scalable" diagnose --ai
	check "... sends nothing" 0 test "$(grep -c '^PATH' chat.log)" -eq "$requests_before"
	chown 0 "$run_a/manifest.yaml"
else
	n=$((n + 2))
	echo "ok $((n - 1)) # SKIP not root: cannot give the manifest to nobody"
	echo "ok $n # SKIP not root"
fi
check "the own private manifest is used again" 0 "$scalable" diagnose --ai
check "... and sends its request" 0 test "$(grep -c '^PATH' chat.log)" -gt "$requests_before"

# Endpoints that fail: the heuristic report, a one-line notice, exit 0.
serve status500 err500
SCALABLE_AI_URL=http://127.0.0.1:$port/v1 check "an endpoint answering 500" 0 "$scalable" diagnose --ai
holds "... says HTTP 500 and the server's message" err "no AI analysis: HTTP 500: model overloaded"
serve badjson bad
SCALABLE_AI_URL=http://127.0.0.1:$port/v1 check "an endpoint answering nonsense" 0 "$scalable" diagnose --ai
holds "... says the answer is not JSON" err "no AI analysis: the answer is not JSON"
SCALABLE_AI_URL=http://127.0.0.1:$hang_port/v1 check "a hanging endpoint" 0 "$scalable" diagnose --ai
holds "... is given up after ai.timeout" err "no AI analysis: no answer within 2s"
holds "... and the report is there" out "detected across"
SCALABLE_AI_URL=http://127.0.0.1:$free_port/v1 check "a refused connection" 0 "$scalable" diagnose --ai
holds "... is a notice" err "no AI analysis: "
requests_before=$(grep -c '^PATH' chat.log)
FAKE_HTTP_LOCATION=http://127.0.0.1:$chat_port/v1/chat/completions
export FAKE_HTTP_LOCATION
serve redirect moved
SCALABLE_AI_URL=http://127.0.0.1:$port/v1 check "an endpoint that redirects" 0 "$scalable" diagnose --ai
holds "... is an HTTP error" err "no AI analysis: HTTP 302"
check "... and the redirect is not followed" 0 test "$(grep -c '^PATH' chat.log)" -eq "$requests_before"
serve huge huge
SCALABLE_AI_URL=http://127.0.0.1:$port/v1 check "an endpoint answering 2 MiB" 0 "$scalable" diagnose --ai
holds "... is cut off at 1 MiB" err "no AI analysis: response larger than 1048576 bytes"
# TLS verification: a self-signed certificate is refused before a byte is sent.
n=$((n + 1))
if openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
	-keyout tls.pem -out tls.crt >/dev/null 2>&1 && cat tls.crt >>tls.pem; then
	FAKE_HTTP_CERT=$work/tls.pem serve chat tls
	SCALABLE_AI_URL=https://127.0.0.1:$port/v1 "$scalable" diagnose --ai >out 2>err
	if grep -q "no AI analysis: .*certificate" err && [ ! -s tls.log ]; then
		echo "ok $n - a self-signed certificate is refused"
	else
		echo "not ok $n - a self-signed certificate is refused"
		sed 's/^/# /' err
	fi
else
	echo "ok $n # SKIP openssl cannot make a test certificate"
fi
SCALABLE_AI_URL=http://example.com/v1 check "plain http to another host" 0 "$scalable" diagnose --ai
holds "... is refused before any connection" err "plain http:// is allowed to the loopback only"
exit 0
