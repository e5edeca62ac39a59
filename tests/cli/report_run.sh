# Sourced by report_cli.sh and report_browser.sh: make_run DIR writes a run
# directory of 300 tasks of component "model" the way the orchestrator
# writes them: every 10th (from 0) fails with OOM on c12, index 5 fails
# once with a transient error and succeeds on retry, index 7's message is
# hostile HTML, the rest succeed on c01..c03. 300 tasks, 30 + 1 failed,
# 301 attempts, 32 failed attempts.
make_run() {
	run=$1
	mkdir -p "$run"
	printf '{"event_type":"run","schema_version":1,"run_id":"%s","project_name":"energy","target_name":"hpc","provider_name":"slurm","manifest_lock":"%064d","source_manifest_path":"/x/scalable.yaml","started_at":"2026-01-01T00:00:00.000Z","finished_at":"2026-01-01T01:30:00.000Z","status":"failed","summary":null}\n' \
		"$(basename "$run")" 7 >"$run/run.json"
	awk -v tasks="$run/tasks.jsonl" -v failures="$run/failures.jsonl" '
	function task(i, attempt, state, node, cls, msg, rss) {
		printf "{\"event_type\":\"task\",\"schema_version\":1,\"task_id\":%d,\"component\":\"model\",\"attempt\":%d,\"state\":\"%s\",\"duration_s\":%d,\"worker\":\"%s\",\"max_rss_bytes\":%d,\"requested_memory_bytes\":4294967296,\"requested_walltime_s\":3600,\"failure_class\":%s,\"error_message\":%s}\n", \
			i, attempt, state, 60 + i % 30, node, rss, cls, msg >tasks
	}
	function failure(i, attempt, cls, msg, node, code) {
		printf "{\"event_type\":\"failure\",\"schema_version\":1,\"failure_class\":\"%s\",\"message\":%s,\"task_id\":%d,\"component\":\"model\",\"details\":{\"worker_id\":\"%s\",\"attempt\":%d,\"exit_code\":%d,\"signal\":null,\"traceback\":%s}}\n", \
			cls, msg, i, node, attempt, code, msg >failures
	}
	BEGIN {
		hostile = "\"<img src=x onerror=\\\"document.title=1\\\"><script>document.title=2</script>\""
		for (i = 0; i < 300; i++) {
			node = "c0" (i % 3 + 1)
			if (i % 10 == 0) {
				msg = "\"OOM: scenario " i " exceeded memory limit\""
				failure(i, 1, "oom", msg, "c12", 1)
				task(i, 1, "failed", "c12", "\"oom\"", msg, 4294967296)
			} else if (i == 5) {
				msg = "\"ConnectionError: Connection timed out\""
				failure(i, 1, "transient", msg, node, 75)
				task(i, 1, "failed", node, "\"transient\"", msg, 1073741824)
				task(i, 2, "succeeded", node, "null", "null", 1073741824)
			} else if (i == 7) {
				failure(i, 1, "runtime_error", hostile, node, 1)
				task(i, 1, "failed", node, "\"runtime_error\"", hostile, 1073741824)
			} else {
				task(i, 1, "succeeded", node, "null", "null", 1073741824 + i * 1048576)
			}
		}
	}'
}
