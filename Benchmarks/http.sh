#!/usr/bin/env bash
# GET /v1/tenants/{t}/parties/{id} against /health/live of the same server, in the same run, with wrk
# on loopback. Usage: Benchmarks/http.sh [DATABASE_URL] [DURATION]
#   Benchmarks/http.sh                                           # a fresh SQLite file
#   Benchmarks/http.sh postgres://roster:roster@127.0.0.1:55432/roster
#   CALLER=scoped Benchmarks/http.sh                              # through a key scoped to an organization
#   READ=search Benchmarks/http.sh                                # a search page (limit=50) instead of one party
#   READ=reveal Benchmarks/http.sh                                # a partner account's secret revealed (audited, in a write)
# Needs wrk (apt-get install -y wrk) and a built roster (swift build -c release, or debug).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ROSTER_BIN:-$(ls .build/release/roster 2>/dev/null || echo .build/debug/roster)}
unset ROSTER_BIN  # not a setting of roster itself (roster warns of unknown ROSTER_ variables)
DB=${1:-sqlite://$(mktemp -d)/bench.sqlite}
DURATION=${2:-10s}
PORT=${PORT:-18181}
TOKEN=bench-token-$RANDOM$RANDOM-0123456789abcdefghij
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

ROSTER_BOOTSTRAP_TOKEN=$TOKEN ROSTER_DATABASE_URL=$DB ROSTER_PORT=$PORT ROSTER_LOG_LEVEL=warning "$BIN" serve >/tmp/roster-bench.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.1; done

H="Authorization: Bearer $TOKEN"
SLUG=bench-$RANDOM
curl -sf -H "$H" -H 'content-type: application/json' "http://127.0.0.1:$PORT/v1/tenants" \
  -d "{\"slug\":\"$SLUG\",\"name\":\"Bench\",\"settings\":{\"defaultCallingCode\":\"44\"}}" >/dev/null
ID=$(curl -sf -H "$H" -H 'content-type: application/json' "http://127.0.0.1:$PORT/v1/tenants/$SLUG/parties" \
  -d '{"kind":"person","firstName":"Bench","lastName":"Mark","email":"bench@example.com","phone":"020 7946 0958","customerType":"regular"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

# CALLER=scoped: the GET goes through a USER API key whose role reads only below one organization (the party sits
# two levels down, in the type "sales"), so the timed request pays for the scope decision; default: the platform token.
if [ "${CALLER:-platform}" = scoped ]; then
  post() { curl -sf -H "$H" -H 'content-type: application/json' "http://127.0.0.1:$PORT/v1/tenants/$SLUG/$1" -d "$2"; }
  field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
  ORG=$(post parties '{"kind":"organization","name":"North"}' | field '["id"]')
  MID=$(post parties '{"kind":"organization","name":"North East"}' | field '["id"]')
  post relationships "{\"parentId\":\"$ORG\",\"childId\":\"$MID\",\"type\":\"sales\"}" >/dev/null
  post relationships "{\"parentId\":\"$MID\",\"childId\":\"$ID\",\"type\":\"sales\"}" >/dev/null
  ROLE=$(post roles "{\"name\":\"North readers\",\"policies\":[\"parties.read\"],\"organizationId\":\"$ORG\",\"relationshipType\":\"sales\"}" | field '["id"]')
  KEY=$(post api-keys "{\"name\":\"bench\",\"role\":\"USER\",\"roleIds\":[\"$ROLE\"]}" | field '["key"]')
  H="Authorization: Bearer $KEY"
  curl -sf -H "$H" "http://127.0.0.1:$PORT/v1/tenants/$SLUG/parties/$ID" >/dev/null || { echo "the scoped key can't read the party" >&2; exit 1; }
fi

# READ=search: the timed request is a page of 50 parties (GET .../parties?limit=50), each read audited.
TARGET="http://127.0.0.1:$PORT/v1/tenants/$SLUG/parties/$ID"
LABEL="GET party"
if [ "${READ:-party}" = search ]; then
  for i in $(seq 1 60); do
    curl -sf -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' "http://127.0.0.1:$PORT/v1/tenants/$SLUG/parties" \
      -d "{\"kind\":\"person\",\"firstName\":\"Page\",\"lastName\":\"Person $i\",\"email\":\"page$i@example.com\"}" >/dev/null
  done
  TARGET="http://127.0.0.1:$PORT/v1/tenants/$SLUG/parties?limit=50"
  LABEL="search page"
fi
# READ=reveal: the timed request reveals a partner account's secret: a write transaction that reads the secret key's
# check value (under a shared row lock on PostgreSQL, against a rotation) and appends its audit entry.
if [ "${READ:-party}" = reveal ]; then
  post() { curl -sf -H "$H" -H 'content-type: application/json' "http://127.0.0.1:$PORT/v1/tenants/$SLUG/$1" -d "$2"; }
  field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
  PARTNER=$(post parties '{"kind":"organization","name":"Partner","roles":["partner"]}' | field '["id"]')
  CUSTOMER=$(post parties '{"kind":"organization","name":"Customer"}' | field '["id"]')
  ACCOUNT=$(post partner-accounts "{\"partnerId\":\"$PARTNER\",\"customerId\":\"$CUSTOMER\",\"username\":\"u\",\"secret\":\"s3cret\"}" | field '["id"]')
  TARGET="http://127.0.0.1:$PORT/v1/tenants/$SLUG/partner-accounts/$ACCOUNT/secret"
  LABEL="secret reveal"
fi

# The server's CPU time (user and system, in clock ticks) so far, from /proc (Linux).
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat" 2>/dev/null || echo 0; }
run() {
  local out before after
  before=$(ticks)
  out=$(wrk -t1 -c32 -d"$DURATION" --latency -H "$H" "$1")
  after=$(ticks)
  echo "$out" >&2
  echo "$out" | awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} / requests in / {n=$1}
     END {print rps, p50, p99, (n > 0 ? ticks / hz / n * 1e6 : 0)}'
}
# Both paths warmed up first (connections, caches, the first pages of the audit log).
wrk -t1 -c32 -d2s -H "$H" "http://127.0.0.1:$PORT/health/live" >/dev/null
wrk -t1 -c32 -d2s -H "$H" "$TARGET" >/dev/null
echo "== /health/live ($DB)" >&2
read -r LIVE LIVE50 LIVE99 LIVECPU < <(run "http://127.0.0.1:$PORT/health/live")
echo "== $LABEL (audited read)" >&2
read -r PARTY PARTY50 PARTY99 PARTYCPU < <(run "$TARGET")
python3 - "$LIVE" "$PARTY" "$LABEL" <<'PY'
import sys
live, party, label = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
print(f"health/live: {live:.0f} req/s   {label}: {party:.0f} req/s   ratio {label}/live: {party/live:.2f}")
PY
echo "latency p50/p99: health/live $LIVE50 / $LIVE99, $LABEL $PARTY50 / $PARTY99 (wrk -t1 -c32 -d$DURATION)"
echo "the server's CPU a request: health/live $(printf %.0f "$LIVECPU") µs, $LABEL $(printf %.0f "$PARTYCPU") µs"
