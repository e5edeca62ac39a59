/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scalable diagnose [RUN | --run-id RUN | --latest] [--no-ai | --ai] [--json]:
 * what failed in a run, why, where, and what to change (diagnose.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/run_ref.h"
#include "cmd/commands.h"
#include "diagnose/diagnose.h"
#include "ai/diagnose_ai.h"
#include "lib/util/exit_codes.h"
#include "rundir/run_dir.h"

static const char help[] =
	"usage: scalable diagnose [RUN | --run-id RUN | --latest] [--no-ai | --ai] [--json]\n"
	"\n"
	"Explains a run's failures from its directory alone (no Slurm; no network\n"
	"unless --ai):\n"
	"groups the failed attempts by failure class and message pattern (numbers,\n"
	"paths and hex replaced: \"OOM: scenario <N> exceeded memory limit\"), and for\n"
	"each group gives the evidence (peak memory against the request, elapsed\n"
	"against the walltime, nodes, retries and what became of them, what the\n"
	"failing scenarios share, the offending line of the traceback) and a concrete\n"
	"suggestion (\"increase model memory to 24G\"). A node that holds at least half\n"
	"of the failures (3 or more), beyond its share of the attempts, is a finding\n"
	"of its own. Works on a finished run, one in progress, and one whose\n"
	"orchestrator died. Read-only: takes no lock.\n"
	"\n"
	"  RUN           a run id, a unique prefix, its 8-hex suffix, or the\n"
	"                run's directory\n"
	"  --run-id RUN  the same as RUN\n"
	"  --latest      the most recent run (the default)\n"
	"  --no-ai       the heuristic report only (the default)\n"
	"  --ai          ask a language model too: a compact summary (counts, the\n"
	"                findings, a few lines of stderr per finding, secrets redacted)\n"
	"                goes to the OpenAI-compatible chat-completions endpoint of the\n"
	"                run's ai: section (or SCALABLE_AI_URL, SCALABLE_AI_MODEL); its\n"
	"                answer follows the report. When it fails: the report and a\n"
	"                one-line notice on stderr, same exit code\n"
	"  --json        print {\"summary\": {...}, \"findings\": [...]} instead\n"
	"                (with --ai, an \"ai\" object too: model, host, answer or error)\n"
	"  -h, --help    show this help\n"
	"\n"
	"Severity: critical when a group left at least 10% of the run's tasks failed;\n"
	"high when it left some failed; medium when none failed for good but some\n"
	"still wait for a retry or needed more memory or walltime to recover; low\n"
	"when plain retries recovered every task.\n"
	"\n"
	"Runs live in $SCALABLE_RUNS_DIR, else the site or user defaults' runs_dir\n"
	"(scalable.yaml(5), DEFAULTS), else ./.scalable/runs.\n"
	"\n"
	"The key for --ai, first found: the file $SCALABLE_AI_KEY_FILE or ai.api_key_file\n"
	"(chmod 600), the variable ai.api_key_env names, $SCALABLE_AI_KEY,\n"
	"$OPENAI_API_KEY; never an option. https:// only (http:// to the loopback).\n"
	"\n"
	"Exit codes: 0 diagnosed (failures or not); 2 bad usage; 3 I/O error;\n"
	"5 no such run.\n";

struct diagnose_args {
	const char *run;     /* NULL: the latest */
	bool json, ai;
};

/* Reads the options; returns -1 to go on, else the exit code to stop with. */
static int parse_args(int argc, char **argv, struct diagnose_args *args)
{
	static const struct option options[] = {
		RUN_REF_OPTIONS,
		{ "json", no_argument, NULL, 'j' },   { "ai", no_argument, NULL, 'a' },
		{ "no-ai", no_argument, NULL, 'n' },  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_ref ref = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (run_ref_option(&ref, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			fputs(help, stdout);
			return SCALABLE_EXIT_OK;
		case 'j': args->json = true; break;
		case 'a': args->ai = true; break;
		case 'n': args->ai = false; break;
		default: return cli_usage_error("diagnose", "bad option");
		}
	}
	if (!run_ref_finish("diagnose", &ref, argc, argv, optind, true, &args->run))
		return SCALABLE_EXIT_USAGE;
	return -1;
}

static int print_json(const struct diagnosis *dx, const struct diagnose_ai *ai)
{
	json_t *json = diagnose_json(dx);
	int rc;

	if (json && ai && json_object_set_new(json, "ai", diagnose_ai_json(ai)) != 0) {
		json_decref(json);
		json = NULL;
	}
	rc = json ? json_dumpf(json, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
	json_decref(json);
	if (rc != 0 || putchar('\n') == EOF || fflush(stdout) != 0) {
		fprintf(stderr, "scalable: cannot print the diagnosis\n");
		return SCALABLE_EXIT_SYSTEM;
	}
	return SCALABLE_EXIT_OK;
}

/* The model's answer under the report. */
static int print_ai(const struct diagnose_ai *ai)
{
	return printf("\nAI analysis (%s at %s; it may be wrong: check it against the "
		      "evidence above):\n%s\n", ai->model, ai->host, ai->answer) < 0 ? -1 : 0;
}

/* Colours on a terminal, unless NO_COLOR says otherwise (no-color.org). */
static bool use_color(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(no && *no);
}

int cmd_diagnose(int argc, char **argv)
{
	struct diagnose_args args = { 0 };
	struct diagnose_ai ai = { 0 };
	struct diagnosis *dx;
	struct run_dir *run;
	struct error err;
	int rc = parse_args(argc, argv, &args);

	if (rc >= 0)
		return rc;
	if (cli_find_run(args.run, &run, &err) != 0)
		return cli_fail(&err);
	rc = diagnose_run(run->path, &dx, &err);
	if (rc == 0 && args.ai)
		diagnose_ai_ask(run->path, dx, &ai);
	run_dir_free(run);
	if (rc != 0)
		return cli_fail(&err);
	if (args.ai && !ai.answer)
		fprintf(stderr, "scalable diagnose: no AI analysis: %s (the heuristic report "
			"stands alone)\n", ai.why);
	if (args.json)
		rc = print_json(dx, args.ai ? &ai : NULL);
	else if (diagnose_print(stdout, dx, use_color()) != 0 ||
		 (ai.answer && print_ai(&ai) != 0))
		rc = SCALABLE_EXIT_SYSTEM;
	diagnose_ai_clear(&ai);
	diagnose_free(dx);
	return rc;
}
