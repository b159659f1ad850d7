#!/usr/bin/env bash
# The admin console's party page on the demo data: the server's own time for the page (its Server-Timing header,
# authentication, service calls, audit and rendering) over N sequential requests, and wrk at one connection beside the
# API's GET of the same party. Usage: Benchmarks/ui.sh [REQUESTS] [DURATION]
# Needs wrk (apt-get install -y wrk) and a built roster (swift build -c release --product roster, or debug).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ROSTER_BIN:-$(ls .build/release/roster 2>/dev/null || echo .build/debug/roster)}
unset ROSTER_BIN  # not a setting of roster itself (roster warns of unknown ROSTER_ variables)
REQUESTS=${1:-300}
DURATION=${2:-10s}
PORT=${PORT:-18182}
WORK=$(mktemp -d)
TOKEN=bench-token-$RANDOM$RANDOM-0123456789abcdefghij
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

ROSTER_BOOTSTRAP_TOKEN=$TOKEN ROSTER_DATABASE_URL="sqlite://$WORK/ui.sqlite" ROSTER_SECRET_KEY_FILE="$WORK/key" ROSTER_PORT=$PORT \
  ROSTER_LOG_LEVEL=warning "$BIN" serve --demo >"$WORK/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
BASE="http://127.0.0.1:$PORT"

# Sign in through the form, as a browser does.
JAR="$WORK/cookies"
CSRF=$(curl -s -c "$JAR" "$BASE/ui/sign-in" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$CSRF" --data-urlencode "token=$TOKEN" "$BASE/ui/sign-in"
COOKIE="roster_session=$(awk '$6 == "roster_session" { print $7 }' "$JAR")"

id_of() {
  curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/v1/tenants/acme/parties?q=$1" \
    | python3 -c "import json,sys; print(next(p['id'] for p in json.load(sys.stdin)['items'] if p['displayName'] == '$2'))"
}
HILL=$(id_of Hill "Hill Farm")       # a tree three levels deep, tags, history
ALICE=$(id_of Alice "Alice Archer")  # partner accounts, a tag

server_times() {  # PATH: the Server-Timing durations of REQUESTS sequential requests, as p50 / p90 / p99 / max in ms
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -D - -H "Cookie: $COOKIE" "$BASE$1" | sed -n 's/^[Ss]erver-[Tt]iming: app;dur=\([0-9.]*\).*/\1/p'
  done | sort -n | awk '{ a[NR] = $1 } END { printf "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)\n",
    a[int(NR*0.5)], a[int(NR*0.9)], a[int(NR*0.99)], a[NR], NR }'
}

echo "server time per page (Server-Timing), $REQUESTS sequential requests after a warm-up:"
for path in "/ui/t/acme/parties/$HILL" "/ui/t/acme/parties/$ALICE" "/ui/t/acme/parties?q=farm" "/ui/t/acme/access"; do
  for _ in $(seq 1 20); do curl -s -o /dev/null -H "Cookie: $COOKIE" "$BASE$path"; done
  printf '  %-48s %s\n' "$path" "$(server_times "$path")"
done

wrk_rate() {  # wrk at one connection: requests/s and the mean latency
  wrk -t1 -c1 -d"$DURATION" --latency "$@" | awk '/Requests\/sec/ { r = $2 } $1 == "50%" { p = $2 } $1 == "99%" { q = $2 } END { printf "%s req/s, p50 %s, p99 %s", r, p, q }'
}
echo "wrk -c1 ($DURATION each), same server:"
echo "  console party page (Hill Farm): $(wrk_rate -H "Cookie: $COOKIE" "$BASE/ui/t/acme/parties/$HILL")"
echo "  API GET of the same party:      $(wrk_rate -H "Authorization: Bearer $TOKEN" "$BASE/v1/tenants/acme/parties/$HILL")"
