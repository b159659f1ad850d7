#!/usr/bin/env bash
# Bulk import and export (issue 12) against the raw loads of the same CSV, in one run:
#   SQLite:      roster import parties    ÷  the sqlite3 shell's .import into a table with the same columns and unique indexes
#   PostgreSQL:  roster import parties    ÷  COPY into a staging table, then INSERT ... ON CONFLICT DO NOTHING into that shape
#   both:        roster export parties (rows/s), and the peak RSS of every roster run.
# Usage: Benchmarks/bulk.sh [ROWS] [POSTGRES_URL]     (ROWS default 1000000; PostgreSQL skipped without a URL)
# Needs a release build (swift build -c release --product roster), python3, sqlite3 and psql.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ROSTER_BIN:-.build/release/roster}
unset ROSTER_BIN  # not a setting of roster itself
ROWS=${1:-1000000}
PG=${2:-}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 Benchmarks/people.py "$ROWS" > "$DIR/people.csv"
echo "rows: $ROWS ($(du -h "$DIR/people.csv" | cut -f1)), $(grep -c . "$DIR/people.csv") lines with the header"

# run LABEL COMMAND...: the wall time in seconds and the peak RSS in MB of COMMAND (its exit status ignored).
run() {
  local label=$1; shift
  # The step before may leave gigabytes of dirty pages (an import of a million rows writes ~2 GB): written back first,
  # so that the kernel's writeback is not timed as this step's.
  sync
  /usr/bin/time -f "%e %M" -o "$DIR/time" "$@" > "$DIR/out" 2> "$DIR/err" || true
  read -r SECS KB < <(tail -1 "$DIR/time")
  RSS=$((KB / 1024))
  printf '%-44s %8.1f s  %6d MB peak RSS\n' "$label" "$SECS" "$RSS"
}

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

# --- SQLite
export ROSTER_DATABASE_URL="sqlite://$DIR/roster.sqlite" ROSTER_LOG_LEVEL=warning
"$BIN" migrate >/dev/null 2>&1
"$BIN" tenants create --slug bench --name Bench --default-calling-code 44 >/dev/null
run "roster import parties (SQLite)" "$BIN" import parties "$DIR/people.csv" --tenant bench --errors "$DIR/refused.csv"
IMPORT=$SECS
grep '^created' "$DIR/out" || cat "$DIR/err"
cat > "$DIR/raw.sql" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE people (first_name TEXT, last_name TEXT, email TEXT, phone TEXT, customer_type TEXT, roles TEXT, tags TEXT);
CREATE UNIQUE INDEX people_email ON people (lower(email)) WHERE email <> '';
CREATE UNIQUE INDEX people_phone ON people (phone) WHERE phone <> '';
.import --csv --skip 1 $DIR/people.csv people
SELECT count(*) FROM people;
SQL
run "sqlite3 .import (same CSV, unique indexes)" sqlite3 "$DIR/raw.sqlite" ".read $DIR/raw.sql"
echo "SQLite import ÷ sqlite3 raw load: $(ratio "$IMPORT" "$SECS") (goal ≤ 2)"
run "roster export parties (SQLite, CSV)" "$BIN" export parties --tenant bench --output "$DIR/export.csv"
echo "  $(($(wc -l < "$DIR/export.csv") - 1)) rows: $(python3 -c "print(round(($(wc -l < "$DIR/export.csv") - 1) / $SECS))") rows/s (goal ≥ 100,000)"
rm -f "$DIR/export.csv"
run "roster export parties --mask (SQLite, CSV)" "$BIN" export parties --tenant bench --mask --output "$DIR/export.csv"
echo "  $(python3 -c "print(round(($(wc -l < "$DIR/export.csv") - 1) / $SECS))") rows/s"

# --- PostgreSQL
if [ -n "$PG" ]; then
  DB=bulk_$RANDOM
  psql "$PG" -qc "CREATE DATABASE $DB" >/dev/null
  URL="${PG%/*}/$DB"
  export ROSTER_DATABASE_URL=$URL
  "$BIN" migrate >/dev/null 2>&1
  "$BIN" tenants create --slug bench --name Bench --default-calling-code 44 >/dev/null
  run "roster import parties (PostgreSQL)" "$BIN" import parties "$DIR/people.csv" --tenant bench --errors "$DIR/refused-pg.csv"
  IMPORT=$SECS
  grep '^created' "$DIR/out" || cat "$DIR/err"
  cat > "$DIR/copy.sql" <<SQL
CREATE TABLE people (first_name text, last_name text, email text, phone text, customer_type text, roles text, tags text);
CREATE UNIQUE INDEX people_email ON people (lower(email)) WHERE email <> '';
CREATE UNIQUE INDEX people_phone ON people (phone) WHERE phone <> '';
CREATE TEMP TABLE staging (LIKE people);
\copy staging FROM '$DIR/people.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO people SELECT * FROM staging ON CONFLICT DO NOTHING;
SQL
  run "COPY + INSERT ON CONFLICT (same CSV)" psql "$URL" -q -f "$DIR/copy.sql"
  echo "PostgreSQL import ÷ COPY: $(ratio "$IMPORT" "$SECS") (goal ≤ 2)"
  run "roster export parties (PostgreSQL, CSV)" "$BIN" export parties --tenant bench --output "$DIR/export-pg.csv"
  echo "  $(python3 -c "print(round(($(wc -l < "$DIR/export-pg.csv") - 1) / $SECS))") rows/s"
  psql "$PG" -qc "DROP DATABASE $DB" >/dev/null
fi
