#!/usr/bin/env bash
# Reads at scale (found slow by a probe of 300,000 parties): scoped lists, hierarchies over every type, searches by role
# and tag, the duplicate finder, the GDPR export of a party with thousands of edges. SQLite, one release build or two
# side by side (each on its own copy of the data), median of five warm requests each.
#   Data: ROWS persons (Benchmarks/people.py), 5,000 organizations under one root (structure), 100,000 persons below 100
#   of them (staff); API keys with one role each: untyped at the root (KROOT), untyped at one organization (KORG),
#   typed `structure` at the root (KTROOT).
# Usage: Benchmarks/scoped.sh [ROWS] [BASELINE_BIN]     (ROWS default 300000; ROSTER_BIN the build measured)
# The baseline must know the same schema (or the data is made by the newer build and the baseline refuses it).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ROSTER_BIN:-.build/release/roster}
unset ROSTER_BIN
ROWS=${1:-300000}
BASE=${2:-}
DIR=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$DIR"' EXIT
TOKEN=bench-scoped-bootstrap-token-0123456789abcdef
export ROSTER_CUSTOMER_TRACKING=false ROSTER_LOG_LEVEL=warning ROSTER_RATE_LIMIT=off ROSTER_BOOTSTRAP_TOKEN=$TOKEN
export ROSTER_DATABASE_URL="sqlite://$DIR/a.sqlite"
python3 Benchmarks/people.py "$ROWS" > "$DIR/people.csv"
python3 - "$DIR" <<'PY'
import csv, random, sys
d = sys.argv[1]; rnd = random.Random(3)
emails = [r['email'] for r in csv.DictReader(open(f'{d}/people.csv')) if '@' in (r['email'] or '')]
with open(f'{d}/orgs.csv', 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['kind', 'name', 'email'])
    w.writerow(['organization', 'Root', 'root@orgs.example'])
    for i in range(5000): w.writerow(['organization', f'Org {i}', f'org{i}@orgs.example'])
with open(f'{d}/rels.csv', 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['parentEmail', 'childEmail', 'type'])
    for i in range(5000): w.writerow(['root@orgs.example', f'org{i}@orgs.example', 'structure'])
    for e in rnd.sample(emails, min(100000, len(emails))): w.writerow([f'org{rnd.randrange(4900, 5000)}@orgs.example', e, 'staff'])
PY
"$BIN" migrate >/dev/null
"$BIN" tenants create --slug big --name Big --default-calling-code 44 >/dev/null
"$BIN" import parties "$DIR/people.csv" --tenant big >/dev/null 2>&1 || true
"$BIN" import parties "$DIR/orgs.csv" --tenant big >/dev/null
"$BIN" import relationships "$DIR/rels.csv" --tenant big >/dev/null 2>&1 || true

# serve BIN PORT DB: a server in the background, ready.
serve() {
  ROSTER_PORT=$2 ROSTER_DATABASE_URL="sqlite://$3" "$1" serve > "$DIR/serve$2.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do curl -sf "localhost:$2/health/ready" >/dev/null && return; sleep 0.1; done
  echo "server on $2 did not start"; exit 1
}
median() {  # PORT TOKEN PATH
  for _ in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $2" "localhost:$1$3"; done \
    | tail -5 | sort -n | sed -n 3p | python3 -c "print(f'{float(input()) * 1000:8.1f} ms')"
}
if [ -n "$BASE" ]; then cp "$DIR/a.sqlite" "$DIR/b.sqlite"; cp "$DIR/a.key" "$DIR/b.key"; fi
serve "$BIN" 18901 "$DIR/a.sqlite"
[ -n "$BASE" ] && serve "$BASE" 18902 "$DIR/b.sqlite"
keys=$(python3 - <<'PY'
import json, urllib.request
def call(method, path, body=None):
    req = urllib.request.Request("http://localhost:18901/v1/tenants/big" + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer bench-scoped-bootstrap-token-0123456789abcdef", "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
def org(email): return call("GET", "/parties/lookup?email=" + email + "&kind=organization")["id"]
root, one = org("root@orgs.example"), org("org4950@orgs.example")
out = []
for name, organization, kind in [("KROOT", root, None), ("KORG", one, None), ("KTROOT", root, "structure")]:
    body = {"name": name, "policies": ["parties.read"], "organizationId": organization}
    if kind: body["type"] = kind
    role = call("POST", "/roles", body)["id"]
    out.append(name + "=" + call("POST", "/api-keys", {"name": name, "role": "USER", "roleIds": [role]})["key"])
print(root, " ".join(out))
PY
)
read -r ROOT KEYS <<< "$keys"
declare -A KEY
for pair in $KEYS; do KEY[${pair%%=*}]=${pair#*=}; done
printf '%-58s %11s %11s\n' "request (caller)" "measured" "baseline"
row() {  # LABEL TOKEN PATH
  printf '%-58s %s %s\n' "$1" "$(median 18901 "$2" "$3")" "$([ -n "$BASE" ] && median 18902 "$2" "$3")"
}
for k in KROOT KORG KTROOT; do
  row "parties, first page ($k)" "${KEY[$k]}" "/v1/tenants/big/parties?limit=50"
  row "parties?kind=organization ($k)" "${KEY[$k]}" "/v1/tenants/big/parties?limit=50&kind=organization"
  row "parties?q=zzzz, no match ($k)" "${KEY[$k]}" "/v1/tenants/big/parties?limit=50&q=zzzz"
done
row "descendants of the root, every type" "$TOKEN" "/v1/tenants/big/parties/$ROOT/descendants?limit=50"
row "descendants of the root, includeInactive" "$TOKEN" "/v1/tenants/big/parties/$ROOT/descendants?limit=50&includeInactive=true"
row "descendants of the root, type=structure" "$TOKEN" "/v1/tenants/big/parties/$ROOT/descendants?limit=50&type=structure"
row "parties?role=partner (no one)" "$TOKEN" "/v1/tenants/big/parties?limit=50&role=partner"
row "parties?tag=imported" "$TOKEN" "/v1/tenants/big/parties?limit=50&tag=imported"
row "tags" "$TOKEN" "/v1/tenants/big/tags"
row "parties/duplicates" "$TOKEN" "/v1/tenants/big/parties/duplicates?limit=50"
row "GDPR export of the root (5,000 edges)" "$TOKEN" "/v1/tenants/big/parties/$ROOT/export"
