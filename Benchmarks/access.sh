#!/usr/bin/env bash
# access/check: in-process decisions per second (roster bench access), then over HTTP with wrk
# against /health/live of the same server. Usage: Benchmarks/access.sh [DATABASE_URL] [SIZE] [USERS] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ROSTER_BIN:-$(ls .build/release/roster 2>/dev/null || echo .build/debug/roster)}
unset ROSTER_BIN  # not a setting of roster itself (roster warns of unknown ROSTER_ variables)
DB=${1:-sqlite://$(mktemp -d)/access.sqlite}
SIZE=${2:-100000}
USERS=${3:-1000}
DURATION=${4:-10s}
PORT=${PORT:-18182}
TOKEN=bench-token-$RANDOM$RANDOM-0123456789abcdefghij
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

OUT=$(ROSTER_BOOTSTRAP_TOKEN=$TOKEN "$BIN" bench access --database-url "$DB" --size "$SIZE" --users "$USERS")
echo "$OUT" | grep -v "^  level"

# The peer on the same shape of work, in the same run (PEER=0 skips it): PyCasbin 1.43 in its own venv.
if [ "${PEER:-1}" != 0 ]; then
  VENV=.venv-bench
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -c 'import casbin' 2>/dev/null || "$VENV/bin/pip" install -q casbin==1.43.0 >&2
  echo "== peer: PyCasbin (../shared/peers/casbin_access.py $SIZE $USERS)"
  "$VENV/bin/python" ../shared/peers/casbin_access.py "$SIZE" "$USERS"
fi
FIXTURE=$(echo "$OUT" | grep '^fixture:')
SLUG=$(echo "$FIXTURE" | sed 's/.*tenant=\([^ ]*\).*/\1/')
USER_ID=$(echo "$FIXTURE" | sed 's/.*user=\([^ ]*\).*/\1/')
PARTY=$(echo "$FIXTURE" | sed 's/.*party=\([^ ]*\).*/\1/')

ROSTER_BOOTSTRAP_TOKEN=$TOKEN ROSTER_DATABASE_URL=$DB ROSTER_PORT=$PORT ROSTER_LOG_LEVEL=warning "$BIN" serve >/tmp/roster-access-bench.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LUA"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.1; done
LUA=$(mktemp --suffix=.lua)
cat >"$LUA" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"userId":"$USER_ID","policy":"approve_tree","partyId":"$PARTY"}'
LUA
curl -sf -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  "http://127.0.0.1:$PORT/v1/tenants/$SLUG/access/check" -d "{\"userId\":\"$USER_ID\",\"policy\":\"approve_tree\",\"partyId\":\"$PARTY\"}"
echo
stats() { awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print rps, p50, p99}'; }
read -r LIVE LIVE50 LIVE99 < <(wrk -t1 -c32 -d"$DURATION" --latency "http://127.0.0.1:$PORT/health/live" | stats)
read -r CHECK CHECK50 CHECK99 < <(wrk -t1 -c32 -d"$DURATION" --latency -s "$LUA" "http://127.0.0.1:$PORT/v1/tenants/$SLUG/access/check" | stats)
python3 - "$LIVE" "$CHECK" <<'PY'
import sys
live, check = float(sys.argv[1]), float(sys.argv[2])
print(f"health/live: {live:.0f} req/s   access/check: {check:.0f} req/s   ratio: {check/live:.2f}")
PY
echo "latency p50/p99: health/live $LIVE50 / $LIVE99, access/check $CHECK50 / $CHECK99 (wrk -t1 -c32 -d$DURATION)"
