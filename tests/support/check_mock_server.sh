#!/usr/bin/env bash
# check_mock_server.sh <build dir>: the cbapi-mock-server program — serves HTTPS by default with a certificate it
# makes and a CA file it writes (the examples verify with it, and fail without it), prints its URL and token, serves
# every product on one port, writes the request log (--record) without the token, stops cleanly on SIGTERM; with
# --http serves plain HTTP, which clients refuse unless allowed (--allow-http, CBAPI_ALLOW_HTTP=1); refuses bad
# options.
set -uo pipefail
build="$1"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "MOCK SERVER CHECK FAILED: $*"; exit 1; }
unset CBAPI_ALLOW_HTTP  # HTTPS must work without the plain-HTTP opt-in
wait_for() { for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }

# --- HTTPS (the default) ---
"$build/cbapi-mock-server" --port 0 --token SECRETKEY/CONN --seed 3 --scale 2 --record "$work/requests.jsonl" \
  --ca-file "$work/ca.pem" --url-file "$work/url" >"$work/out" 2>&1 &
pid=$!
pids+=("$pid")
wait_for "$work/url" || fail "no URL file"
url="$(cat "$work/url")"
[[ "$url" == https://127.0.0.1:* ]] || fail "not an https URL: $url"
grep -q "listening on $url (token: SECRETKEY/CONN)" "$work/out" || fail "URL and token not printed"
grep -q "CA certificate to trust: $work/ca.pem" "$work/out" || fail "CA file not printed"
grep -q "BEGIN CERTIFICATE" "$work/ca.pem" || fail "the CA file holds no certificate"
! grep -q "PRIVATE KEY" "$work/ca.pem" || fail "the CA file holds the private key"
ca=(--ca-file "$work/ca.pem")
"$build/examples/response/server_info" --cburl "$url" --apitoken SECRETKEY/CONN "${ca[@]}" >"$work/info" 2>&1 ||
  fail "server_info over HTTPS: $(cat "$work/info")"
grep -q "^version" "$work/info" || fail "server_info printed no version"
"$build/examples/defense/policy_operations" --cburl "$url" --apitoken SECRETKEY/CONN "${ca[@]}" list >/dev/null 2>&1 ||
  fail "Defense on the same port"
"$build/examples/protection/file_rule_operations" --cburl "$url" --apitoken SECRETKEY/CONN "${ca[@]}" list \
  >/dev/null 2>&1 || fail "Protection on the same port"
# Verification is on: without the CA file the chain does not verify.
"$build/examples/response/server_info" --cburl "$url" --apitoken SECRETKEY/CONN >"$work/untrusted" 2>&1 &&
  fail "server_info trusted the simulator's certificate without --ca-file"
grep -qi "certificate" "$work/untrusted" || fail "the verification failure does not say so: $(cat "$work/untrusted")"
kill -TERM "$pid"
wait "$pid"
status=$?
[ $status -eq 0 ] || fail "exit status $status after SIGTERM"
grep -q "shutting down" "$work/out" || fail "no shutdown message"
grep -q '"path":"/api/info"' "$work/requests.jsonl" || fail "the request log lacks /api/info"
grep -q "integrationServices" "$work/requests.jsonl" || fail "the request log lacks the Defense request"
! grep -q "SECRETKEY" "$work/requests.jsonl" || fail "the token is in the request log"

# --- without --ca-file: a CA file in a private directory, printed, removed at shutdown ---
"$build/cbapi-mock-server" --port 0 --url-file "$work/url2" >"$work/out2" 2>&1 &
pid=$!
pids+=("$pid")
wait_for "$work/url2" || fail "no URL file (default CA file)"
default_ca="$(sed -n 's/.*CA certificate to trust: \([^ ]*\) .*/\1/p' "$work/out2")"
[ -n "$default_ca" ] && [ -s "$default_ca" ] || fail "the default CA file is not printed or missing: $(cat "$work/out2")"
[ "$(stat -c %a "$(dirname "$default_ca")")" = 700 ] || fail "the default CA file's directory is not private"
"$build/examples/response/server_info" --cburl "$(cat "$work/url2")" --apitoken MOCKAPIKEY/MOCKCONNECTOR \
  --ca-file "$default_ca" >/dev/null 2>&1 || fail "server_info with the default CA file"
kill -TERM "$pid"
wait "$pid"
[ ! -e "$default_ca" ] || fail "the default CA file was left behind"

# --- plain HTTP (--http): refused by clients unless allowed ---
"$build/cbapi-mock-server" --http --port 0 --token SECRETKEY/CONN --url-file "$work/url3" >"$work/out3" 2>&1 &
pid=$!
pids+=("$pid")
wait_for "$work/url3" || fail "no URL file (--http)"
url="$(cat "$work/url3")"
[[ "$url" == http://127.0.0.1:* ]] || fail "not an http URL with --http: $url"
grep -q "plain HTTP" "$work/out3" || fail "--http does not say that clients must allow plain HTTP"
"$build/examples/response/server_info" --cburl "$url" --apitoken SECRETKEY/CONN >"$work/refused" 2>&1 &&
  fail "server_info used plain HTTP without the opt-in"
for optin in "allow_http = true" "CBAPI_ALLOW_HTTP=1" "--allow-http" "ConnectionOptions::allow_http"; do
  grep -qF -- "$optin" "$work/refused" || fail "the refusal does not name $optin: $(cat "$work/refused")"
done
"$build/examples/response/server_info" --cburl "$url" --apitoken SECRETKEY/CONN --allow-http >/dev/null 2>&1 ||
  fail "server_info --allow-http"
CBAPI_ALLOW_HTTP=1 "$build/examples/response/server_info" --cburl "$url" --apitoken SECRETKEY/CONN >/dev/null 2>&1 ||
  fail "server_info with CBAPI_ALLOW_HTTP=1"
kill -TERM "$pid"
wait "$pid" || fail "exit status after SIGTERM (--http)"

"$build/cbapi-mock-server" --http --ca-file "$work/x.pem" >/dev/null 2>&1 && fail "--http with --ca-file accepted"
"$build/cbapi-mock-server" --error-rate 0.7 --drop-rate 0.5 >/dev/null 2>&1 && fail "rates adding up to more than 1 accepted"
"$build/cbapi-mock-server" --error-statuses 200 >/dev/null 2>&1 && fail "a non-error status accepted"
echo "MOCK SERVER CHECKED"
