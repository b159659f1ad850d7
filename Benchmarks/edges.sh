#!/usr/bin/env bash
# Relationship import (issue 12, item 2) and export: edges a second, on SQLite and (with a URL) PostgreSQL.
# N persons each below one of N/20 organizations named by name (childEmail, parentName), and the organizations in a
# hierarchy of their own named by email (parentName), so every row is looked up by key, as a file from another system is.
# Usage: Benchmarks/edges.sh [N] [POSTGRES_URL]     (N default 100000; PostgreSQL skipped without a URL)
# Needs a release build (swift build -c release --product roster), python3, and psql for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ROSTER_BIN:-.build/release/roster}
unset ROSTER_BIN
N=${1:-100000}
PG=${2:-}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 - "$N" "$DIR" <<'PY'
import random, sys
n, d = int(sys.argv[1]), sys.argv[2]
orgs = max(1, n // 20)
random.seed(7)
with open(f"{d}/orgs.csv", "w") as f:
    f.write("kind,name,email\n")
    f.writelines(f"organization,Farm Co {i},farm{i}@orgs.example\n" for i in range(orgs))
with open(f"{d}/people.csv", "w") as f:
    f.write("firstName,lastName,email\n")
    f.writelines(f"Ann,Person{i},ann{i}@people.example\n" for i in range(n))
with open(f"{d}/edges.csv", "w") as f:
    f.write("childEmail,parentName,type,role\n")
    f.writelines(f"ann{i}@people.example,Farm Co {random.randrange(orgs)},employment,staff\n" for i in range(n))
    f.writelines(f"farm{i}@orgs.example,Farm Co {random.randrange(i)},membership,\n" for i in range(1, orgs))
PY
EDGES=$(($(wc -l < "$DIR/edges.csv") - 1))
echo "edges: $EDGES ($N persons below $((N / 20)) organizations, and the organizations' own hierarchy)"
export ROSTER_LOG_LEVEL=warning
measure() {
  "$BIN" migrate >/dev/null 2>&1
  "$BIN" tenants create --slug bench --name Bench >/dev/null
  "$BIN" import parties "$DIR/orgs.csv" --tenant bench >/dev/null 2>&1
  "$BIN" import parties "$DIR/people.csv" --tenant bench >/dev/null 2>&1
  sync
  /usr/bin/time -f "%e %M" -o "$DIR/time" "$BIN" import relationships "$DIR/edges.csv" --tenant bench > "$DIR/out" 2>/dev/null || true
  read -r SECS KB < <(tail -1 "$DIR/time")
  printf '%-40s %8.1f s  %8.0f edges/s  %5d MB peak RSS  (%s)\n' "roster import relationships ($1)" "$SECS" \
    "$(python3 -c "print($EDGES / max($SECS, 0.01))")" $((KB / 1024)) "$(grep '^created' "$DIR/out")"
  rm -f "$DIR/export.csv"
  sync
  /usr/bin/time -f "%e %M" -o "$DIR/time" "$BIN" export relationships --tenant bench --output "$DIR/export.csv" 2>/dev/null || true
  read -r SECS KB < <(tail -1 "$DIR/time")
  printf '%-40s %8.1f s  %8.0f edges/s  %5d MB peak RSS\n' "roster export relationships ($1)" "$SECS" \
    "$(python3 -c "print($(($(wc -l < "$DIR/export.csv") - 1)) / max($SECS, 0.01))")" $((KB / 1024))
}
ROSTER_DATABASE_URL="sqlite://$DIR/roster.sqlite" measure SQLite
if [ -n "$PG" ]; then
  DB=edges_$RANDOM
  psql "$PG" -qc "CREATE DATABASE $DB" >/dev/null
  ROSTER_DATABASE_URL="${PG%/*}/$DB" measure PostgreSQL
  psql "$PG" -qc "DROP DATABASE $DB" >/dev/null
fi
