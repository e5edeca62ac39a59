/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pack block of a packed group's script (see wave_pack.h). */
#include "plan/wave_pack.h"

#include <stdio.h>
#include <string.h>

#include "lib/util/shell_quote.h"
#include "plan/log_paths.h"
#include "scenario_record.h"

/* "<path of the pack's record file>" with the shell's variables; restart
 * "\"*\"" makes it a glob of every restart's file. */
static int record_path(const struct plan *plan, struct strbuf *out, const char *restart)
{
	const char *bucket = "${SLURM_ARRAY_JOB_ID}/$(( SLURM_ARRAY_TASK_ID / 1000 ))";
	char path[512];

	if (scenario_record_path(path, sizeof path, "${scalable_dir}",
				 plan->layout == RUN_LAYOUT_FANNED ? bucket : NULL,
				 "${SLURM_ARRAY_JOB_ID}", "${SLURM_ARRAY_TASK_ID}", restart) != 0)
		return -1;
	return strbuf_printf(out, "\"%s\"", path);
}

/* Finds the pack's scenarios ("<index>:<attempt> ...") in its tasks file. */
static int find_scenarios(const struct plan *plan, const struct plan_group *g,
			  struct strbuf *out)
{
	return strbuf_puts(out, "\tscalable_dir=") || shell_quote(out, plan->run_dir) ||
	       strbuf_printf(out, "\n\tscalable_first=$(( ${SLURM_ARRAY_TASK_ID:?not an "
			     "array task} * %u + 1 ))\n"
			     "\tscalable_pack=$(awk -v first=\"$scalable_first\" 'NR >= first "
			     "&& NR < first + %u { sub(/^SCALABLE_ATTEMPT=/, \"\", $2); "
			     "print $1 \":\" $2 }' \"$scalable_dir/scripts/%s/%s."
			     "${SCALABLE_INDEX_OFFSET:-0}.tasks\")\n"
			     "\tif [ -z \"$scalable_pack\" ]; then\n"
			     "\t\techo \"scalable: array task $SLURM_ARRAY_TASK_ID is not in "
			     "wave %s\" >&2\n\t\texit 64\n\tfi\n",
			     g->pack, g->pack, plan->wave, g->name, plan->wave) ? -1 : 0;
}

/* exec <runner> pack-exec ..., when the runner is on the node. */
static int runner_call(const struct plan *plan, const struct plan_group *g,
		       struct strbuf *out)
{
	return strbuf_puts(out, "\tif [ -x ") || shell_quote(out, plan->pack_runner) ||
	       strbuf_puts(out, " ]; then\n\t\texec ") || shell_quote(out, plan->pack_runner) ||
	       strbuf_printf(out, " pack-exec --parallel %u --run-dir \"$scalable_dir\" "
			     "--run-id ", g->pack_parallel) ||
	       shell_quote(out, plan->run_id) || strbuf_puts(out, " --component ") ||
	       shell_quote(out, g->component->name) || strbuf_puts(out, " --script ") ||
	       shell_quote(out, g->script_path) ||
	       strbuf_puts(out, " -- $scalable_pack\n\tfi\n\techo \"scalable: ") ||
	       strbuf_puts(out, plan->pack_runner) ||
	       strbuf_puts(out, " is not on $(hostname): the pack runs in bash, in "
			   "sequence, without peak memory\" >&2\n") ? -1 : 0;
}

/* One record line from the fallback: scalable_record EVENT ID ATTEMPT EXTRA. */
static int record_function(const struct plan *plan, const struct plan_group *g,
			   struct strbuf *out)
{
	return strbuf_puts(out, "\tscalable_records=") ||
	       record_path(plan, out, "${SLURM_RESTART_COUNT:-0}") ||
	       strbuf_printf(out, "\n\tmkdir -p \"$(dirname \"$scalable_records\")\"\n"
			     "\tscalable_record() {\n\t\tprintf '{\"event_type\":"
			     "\"scenario\",\"schema_version\":%d,\"event\":\"%%s\","
			     "\"timestamp\":\"%%s\",\"run_id\":\"%s\",\"component\":\"%s\","
			     "\"job_id\":%%s,\"array_job_id\":%%s,\"array_task_id\":%%s,"
			     "\"restart_count\":%%s,\"node\":\"%%s\",\"task_id\":%%s,"
			     "\"attempt\":%%s,\"pid\":null%%s}\\n' \"$1\" "
			     "\"$(date -u +%%Y-%%m-%%dT%%H:%%M:%%S.%%3NZ)\" "
			     "\"${SLURM_JOB_ID:-null}\" \"${SLURM_ARRAY_JOB_ID:-null}\" "
			     "\"$SLURM_ARRAY_TASK_ID\" \"${SLURM_RESTART_COUNT:-0}\" "
			     "\"${SLURMD_NODENAME:-$(hostname)}\" \"$2\" \"$3\" \"$4\" "
			     ">>\"$scalable_records\"\n\t}\n",
			     SCENARIO_RECORD_SCHEMA_VERSION, plan->run_id,
			     g->component->name) ? -1 : 0;
}

/* The fallback's loop: each scenario not ended in an earlier restart. */
static int fallback_loop(const struct plan *plan, const struct plan_group *g,
			 struct strbuf *out)
{
	return strbuf_puts(out, "\tscalable_rc=0\n\tfor scalable_one in $scalable_pack; do\n"
			   "\t\tscalable_id=${scalable_one%%:*} scalable_attempt=${scalable_one#*:}\n"
			   "\t\tif cat ") || record_path(plan, out, "\"*\"") ||
	       strbuf_puts(out, " 2>/dev/null | grep '\"" SCENARIO_RECORD_END "\"' | grep -qF "
			   "\"\\\"task_id\\\":$scalable_id,\\\"attempt\\\":$scalable_attempt,\"; "
			   "then continue; fi\n"
			   "\t\tscalable_record " SCENARIO_RECORD_START " \"$scalable_id\" "
			   "\"$scalable_attempt\" ''\n"
			   "\t\tscalable_t0=$(date +%s%N)\n"
			   "\t\tSCALABLE_PACK_TASK=$scalable_id bash ") ||
	       shell_quote(out, g->script_path) ||
	       strbuf_puts(out, "\n\t\tscalable_status=$?\n"
			   "\t\tscalable_ms=$(( ($(date +%s%N) - scalable_t0) / 1000000 ))\n"
			   "\t\tscalable_signal=0\n"
			   "\t\t[ $scalable_status -gt 128 ] && scalable_signal=$(( scalable_status - 128 ))\n"
			   "\t\tscalable_record " SCENARIO_RECORD_END " \"$scalable_id\" "
			   "\"$scalable_attempt\" \",\\\"exit_code\\\":$scalable_status,"
			   "\\\"signal\\\":$scalable_signal,\\\"elapsed_s\\\":$(( scalable_ms / 1000 ))"
			   ".$(printf %03d $(( scalable_ms % 1000 ))),\\\"max_rss_bytes\\\":null\"\n"
			   "\t\t[ $scalable_status -ne 0 ] && [ $scalable_rc -eq 0 ] && "
			   "scalable_rc=$scalable_status\n\tdone\n") ? -1 : 0;
}

int wave_pack_task_id(const struct strbuf *prelude, struct strbuf *out)
{
	static const char single[] = "export SCALABLE_TASK_ID=" WAVE_ARRAY_TASK_ID "\n";
	const char *at = prelude->text ? strstr(prelude->text, single) : NULL;

	if (!at)
		return -1;
	return strbuf_append(out, prelude->text, (size_t)(at - prelude->text)) ||
	       strbuf_puts(out, "export SCALABLE_TASK_ID=" WAVE_PACK_TASK_ID "\n") ||
	       strbuf_puts(out, at + strlen(single)) ? -1 : 0;
}

int wave_pack_block(const struct plan *plan, const struct plan_group *group,
		    struct strbuf *out)
{
	return strbuf_printf(out, "# ---- scalable pack: %u scenarios per array task, %u at "
			     "once (wave %s, group %s) ----\n"
			     "if [ -z \"${SCALABLE_PACK_TASK:-}\" ]; then\n", group->pack,
			     group->pack_parallel, plan->wave, group->name) ||
	       find_scenarios(plan, group, out) || runner_call(plan, group, out) ||
	       record_function(plan, group, out) || fallback_loop(plan, group, out) ||
	       strbuf_printf(out, "\tprintf '{\"event_type\":\"" SCENARIO_RECORD_PACK_TYPE "\","
			     "\"schema_version\":%d,\"event\":\"end\",\"exit_code\":%%s}\\n' "
			     "\"$scalable_rc\" >>\"$scalable_records\"\n\texit $scalable_rc\nfi\n"
			     "# ---- end of scalable pack ----\n",
			     SCENARIO_RECORD_SCHEMA_VERSION) ? -1 : 0;
}
