/* A test seam for crash safety: SCALABLE_CRASH_AT=<point>[:<n>] makes the
 * orchestrator kill itself with SIGKILL the n-th time (default 1) it passes
 * the named point, exactly as `kill -9` at that instant would. Without the
 * variable a crash point costs one getenv on its first pass and nothing after.
 *
 * The points (where the run directory must stay recoverable by `scalable
 * watch`; tests/integration/resilience.bats drives each one):
 *   intent        a chunk's journal intent written, sbatch not yet run
 *   sbatch        sbatch answered, the journal's `submitted` not yet written
 *   submitted     `submitted` written, the chunk's tasks not yet tracked
 *   wave_done     a wave's `wave_done` written, nothing after it yet
 *   wave_scripts  a retry wave's scripts written, its intent not yet
 *   task_row      a tasks.jsonl row written (count rows with :n)
 *   failure_row   a failures.jsonl row written, the attempt's `failed` row not yet
 *   poll          Slurm polled and its answer applied (tracking)
 *   close         the run's summary made, run.json not yet rewritten
 *   closed        run.json rewritten, the journal's `closed` not yet */
#ifndef SCALABLE_CRASH_POINT_H
#define SCALABLE_CRASH_POINT_H

/* Raises SIGKILL when SCALABLE_CRASH_AT names this point and its count is due. */
void crash_point(const char *name);

#endif
