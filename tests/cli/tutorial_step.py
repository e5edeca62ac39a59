# SPDX-License-Identifier: GPL-2.0-or-later
# The tutorial's Parquet step on a run's snapshot, as a researcher writes it
# with pandas: the tasks by state, the failures by class, the failed
# scenarios' parameters. Prints one canonical line; exits 77 when pandas has
# no Parquet engine here (pyarrow or fastparquet).
# Usage: python3 tutorial_step.py SNAPSHOT_DIR
import sys

try:
    import pandas as pd
    tasks = pd.read_parquet(f"{sys.argv[1]}/tasks.parquet")
    failures = pd.read_parquet(f"{sys.argv[1]}/failures.parquet")
except ImportError as missing:
    print(f"pandas cannot read Parquet here: {missing}")
    sys.exit(77)

by_state = tasks.groupby("state").size().sort_index()
by_class = failures.groupby("failure_class").size().sort_index()
failed = tasks[tasks["state"] == "failed"].sort_values(["component", "scenario"])
print(" ".join(f"{k}={v}" for k, v in by_state.items()),
      "|", " ".join(f"{k}={v}" for k, v in by_class.items()),
      "|", " ".join(f"{r.component}:{r.param_region}-{r.param_year}" for r in failed.itertuples()))
