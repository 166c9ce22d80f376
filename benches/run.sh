#!/usr/bin/env bash
# Every figure of SPEC §7 in one run, on the large synthetic database, with the plain-SQL
# baseline timed in the same run; prints one table (and keeps the raw figures in
# target/bench/*.json).
#
#   benches/run.sh            # the whole run (seeds the large database once: about a minute)
#   BOARDS=10 benches/run.sh  # fewer boards for the many-boards row
#
# Needs: the Rust toolchain, python3, sqlite3 (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v sqlite3 >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null
fi
export TZ=${TZ:-UTC}
export SALESBOARD_CONFIG=/nonexistent
out=target/bench
mkdir -p "$out"
db=$out/large.db
today=$(date +%F)

cargo build --release --quiet
bin=target/release/salesboard

# The SPEC §7 database, seeded up to today so that "this month" is the busy one.
if [ ! -f "$db" ] || [ "$(cat "$out/large.day" 2>/dev/null)" != "$today" ]; then
  rm -f "$db" "$db-wal" "$db-shm"
  start=$(date +%s.%N)
  "$bin" --db "$db" seed --size large --until "$today"
  python3 -c "print($(date +%s.%N) - $start)" > "$out/seed.seconds"
  echo "$today" > "$out/large.day"
fi

echo "== in-process: first snapshot, refresh after a change, drawing"
SALESBOARD_BENCH_DB=$db cargo bench --quiet --bench speed

echo "== plain SQL in the sqlite3 shell"
python3 benches/baseline.py "$db" --json "$out/baseline.json"

echo "== the binary in pseudo-terminals"
python3 benches/terminal.py "$bin" "$db" --boards "${BOARDS:-50}" --json "$out/terminal.json"

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
speed = {}
for line in open(os.path.join(out, "speed.json")):
    r = json.loads(line)
    speed[r["measure"]] = r
base = json.load(open(os.path.join(out, "baseline.json")))
term = json.load(open(os.path.join(out, "terminal.json")))
seed = open(os.path.join(out, "seed.seconds")).read().strip() if os.path.exists(os.path.join(out, "seed.seconds")) else "—"
company = speed["refresh after any write (company)"]
team = speed["refresh after any write (one team)"]
rows = [
    ("seed --size large", "a few minutes", f"{float(seed):.0f} s" if seed != "—" else "—", ""),
    ("start → first full frame", "< 250 ms", f"{term['first_full_frame_ms']:.0f} ms (first byte {term['first_byte_ms']:.0f} ms)",
     f"first snapshot in process: p50 {speed['first snapshot (read everything, every KPI)']['p50_ms']:.0f} ms; plain SQL, all panes: {base['all panes']:.0f} ms"),
    ("recompute after a change, company", "p95 < 10 ms", f"p50 {company['p50_ms']:.1f} ms, p95 {company['p95_ms']:.1f} ms", ""),
    ("recompute after a change, one team", "p95 < 10 ms", f"p50 {team['p50_ms']:.1f} ms, p95 {team['p95_ms']:.1f} ms", ""),
]
for pane in ["plan", "funnel", "cycle", "activity", "team", "customers", "alerts"]:
    rows.append((f"  vs plain SQL, {pane} pane", "≥ 5× faster", f"{base[pane]:.0f} ms in sqlite3",
                 f"{base[pane] / company['p95_ms']:.0f}× the board's p95 (which recomputes every pane)"))
rows += [
    ("write by another process → board", "≤ 1 s", f"p50 {term['write_to_board_ms_p50']:.0f} ms, max {term['write_to_board_ms_max']:.0f} ms", "poll interval 500 ms (setting poll_interval_ms)"),
    ("idle CPU", "< 0.1 % of a core", f"{term['idle_cpu_pct']:.3f} % over {term['idle_seconds']:.0f} s", ""),
    ("idle bytes to the terminal", "0 (a clock tick a minute)", f"{term['idle_bytes']} B over {term['idle_seconds']:.0f} s", ""),
    ("bytes for a refresh", "< 200 B", f"{term['refresh_bytes_one_margin_plan_p50']} B (one deal's margin, Plan); {term['refresh_bytes_call_activity_p50']} B (a call, Activity)", ""),
    ("resident memory", "< 40 MB", f"{term['rss_kb'] / 1024:.1f} MB (peak {term['rss_peak_kb'] / 1024:.1f} MB)", ""),
]
if "boards" in term:
    rows.append((f"{term['boards']} boards + 10 writes/s", "no error, no write lost",
                 f"{term['writes_saved']}/{term['writes']} saved, {term['writes_failed']} failed, {term['boards_showing_an_error']} boards showing an error",
                 f"all drawn in {term['boards_all_drawn_s']:.0f} s; caught up {term['boards_caught_up_after_last_write_s']:.1f} s after the last write; {term['boards_cpu_cores_during_writes']:.2f} cores"))
print()
print("| what | target | measured | notes |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
PY
