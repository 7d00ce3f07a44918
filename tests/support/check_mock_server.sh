#!/usr/bin/env bash
# check_mock_server.sh <build dir>: the cbapi-mock-server program — prints its URL and token, serves every product
# on one port, writes the request log (--record) without the token, stops cleanly on SIGTERM, refuses bad options.
set -uo pipefail
build="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "MOCK SERVER CHECK FAILED: $*"; exit 1; }

"$build/cbapi-mock-server" --port 0 --token SECRETKEY/CONN --seed 3 --scale 2 --record "$work/requests.jsonl" \
  --url-file "$work/url" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || fail "no URL file"
url="$(cat "$work/url")"
grep -q "listening on $url (token: SECRETKEY/CONN)" "$work/out" || fail "URL and token not printed"
"$build/examples/response/server_info" --cburl "$url" --apitoken SECRETKEY/CONN >"$work/info" 2>&1 || fail "server_info"
"$build/examples/defense/policy_operations" --cburl "$url" --apitoken SECRETKEY/CONN list >/dev/null 2>&1 ||
  fail "Defense on the same port"
"$build/examples/protection/file_rule_operations" --cburl "$url" --apitoken SECRETKEY/CONN list >/dev/null 2>&1 ||
  fail "Protection on the same port"
kill -TERM "$pid"
wait "$pid"
status=$?
[ $status -eq 0 ] || fail "exit status $status after SIGTERM"
grep -q "shutting down" "$work/out" || fail "no shutdown message"
grep -q '"path":"/api/info"' "$work/requests.jsonl" || fail "the request log lacks /api/info"
grep -q "integrationServices" "$work/requests.jsonl" || fail "the request log lacks the Defense request"
! grep -q "SECRETKEY" "$work/requests.jsonl" || fail "the token is in the request log"
"$build/cbapi-mock-server" --error-rate 0.7 --drop-rate 0.5 >/dev/null 2>&1 && fail "rates adding up to more than 1 accepted"
"$build/cbapi-mock-server" --error-statuses 200 >/dev/null 2>&1 && fail "a non-error status accepted"
echo "MOCK SERVER CHECKED"
