#!/usr/bin/env python3
"""Times the plain-SQL baseline (benches/baseline/*.sql) in the sqlite3 shell.

usage: baseline.py DATABASE [--runs N] [--json FILE]

Each pane's file is run N times (default 3) in a fresh `sqlite3 -readonly` shell with
`.timer on`, for the current month as of today (local time, like the board), with the
statements' output thrown away; the time of a run is the sum of its statements' "real"
times, and the median run is reported.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import time

PANES = ["plan", "funnel", "cycle", "activity", "team", "customers", "alerts"]
HERE = os.path.dirname(os.path.abspath(__file__))


def midnight(day):
    return int(time.mktime(day.timetuple()))


def month_params(today):
    start = today.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    prev = (start - datetime.timedelta(days=1)).replace(day=1)
    end_of_today = midnight(today + datetime.timedelta(days=1))
    return {
        "from": midnight(start), "to": midnight(end),
        "prev_from": midnight(prev), "prev_to": midnight(start),
        "from_day": start.isoformat(), "to_day": end.isoformat(),
        "prev_from_day": prev.isoformat(), "prev_to_day": start.isoformat(),
        "as_of": min(today, end - datetime.timedelta(days=1)).isoformat(),
        "as_of_end": min(end_of_today, midnight(end)),
        "today": today.isoformat(),
        "snapshot": min(midnight(end), end_of_today),
        "prev_snapshot": min(midnight(start), end_of_today),
    }


def run_once(db, sql, params):
    lines = []
    for k, v in params.items():
        lines.append(f".parameter set :{k} {v}" if isinstance(v, int) else
                     f".parameter set :{k} \"'{v}'\"")
    script = "\n".join(lines) + "\n.output /dev/null\n.timer on\n" + sql + "\n"
    out = subprocess.run(["sqlite3", "-readonly", db], input=script,
                         capture_output=True, text=True, check=True)
    times = [float(x) for x in re.findall(r"Run Time: real ([0-9.]+)", out.stdout + out.stderr)]
    if not times:
        raise SystemExit(f"no timings from sqlite3: {out.stderr[:300]}")
    return sum(times) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json")
    a = ap.parse_args()
    params = month_params(datetime.date.today())
    results = {}
    for pane in PANES:
        with open(os.path.join(HERE, "baseline", pane + ".sql")) as f:
            sql = f.read()
        runs = sorted(run_once(a.db, sql, params) for _ in range(a.runs))
        results[pane] = runs[len(runs) // 2]
        print(f"{pane:10} {results[pane]:10.1f} ms")
    results["all panes"] = sum(results[p] for p in PANES)
    print(f"{'all panes':10} {results['all panes']:10.1f} ms")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
