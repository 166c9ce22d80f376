#!/usr/bin/env bash
# Regenerates kpi.db.example: the small seeded database, as one self-contained file
# (rollback journal, vacuumed) so it can be committed and copied.
set -euo pipefail
cd "$(dirname "$0")/.."
out=kpi.db.example
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TZ=UTC cargo run --quiet --release -- --db "$tmp/example.db" seed --size small --seed 42 --until 2026-11-20
python3 - "$tmp/example.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode=DELETE")
c.execute("VACUUM")
c.close()
PY
mv "$tmp/example.db" "$out"
chmod 0644 "$out"
ls -l "$out"
