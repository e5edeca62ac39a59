#!/usr/bin/env python3
"""A tiny energy-demand model: hourly demand of one region in one year under
one scenario, summed up. It works a little (8760 hours), sleeps about a
second (ENERGY_SLEEP), and writes one JSON file.

For tests: ENERGY_FAIL_EVERY=N makes every scenario whose index is a
multiple of N fail the way a model that ran out of memory reports it."""
import argparse
import json
import math
import os
import sys
import time

GROWTH = {"baseline": 0.005, "efficiency": -0.004, "electrification": 0.018,
          "high-growth": 0.025}
BASE_TWH = {"north": 41.0, "south": 57.0, "east": 33.0, "west": 48.0, "central": 62.0}


def hourly_demand(base_twh, growth, years_on):
    """MWh per hour over a year, with a daily and a seasonal cycle."""
    mean = base_twh * 1e6 / 8760 * (1 + growth) ** years_on
    for hour in range(8760):
        day = 1 + 0.18 * math.sin(2 * math.pi * (hour % 24 - 7) / 24)
        season = 1 + 0.22 * math.cos(2 * math.pi * hour / 8760)
        yield mean * day * season


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.region not in BASE_TWH or args.scenario not in GROWTH:
        print(f"ValueError: unknown region or scenario: {args.region} {args.scenario}",
              file=sys.stderr)
        return 65
    index = int(os.environ.get("SCALABLE_TASK_ID", "0"))
    fail_every = int(os.environ.get("ENERGY_FAIL_EVERY", "0"))
    if fail_every and index % fail_every == 0:
        print(f"OOM: scenario {index} exceeded memory limit", file=sys.stderr)
        return 1
    demand = list(hourly_demand(BASE_TWH[args.region], GROWTH[args.scenario],
                                args.year - 2025))
    time.sleep(float(os.environ.get("ENERGY_SLEEP", "1")))
    result = {"region": args.region, "scenario": args.scenario, "year": args.year,
              "task_id": index, "total_twh": round(sum(demand) / 1e6, 3),
              "peak_mw": round(max(demand), 1)}
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
        f.write("\n")
    os.replace(tmp, args.out)
    print(f"{args.region} {args.scenario} {args.year}: {result['total_twh']} TWh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
