#!/usr/bin/env bash
# tour.sh <build dir>: starts the simulator from <build dir>, runs a short guided tour of the example programs
# against it (each step titled), then stops the simulator. Used by scripts/demo.sh (release build) and by the
# suite's Demo.Tour test (the test build). Exits non-zero when a step fails.
set -euo pipefail
build="$(cd "$1" && pwd)"
examples="$build/examples"
workdir="$(mktemp -d)"
token="DEMOAPIKEY/DEMOCONNECTOR"  # one token for all products; Cb Defense wants <api key>/<connector id>
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

# HTTPS, as a real server: the simulator makes a certificate and writes the CA to trust; every step verifies with it.
"$build/cbapi-mock-server" --port 0 --token "$token" --seed 7 --ca-file "$workdir/ca.pem" --url-file "$workdir/url" \
  >"$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$workdir/url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$workdir/url" ] || { echo "the simulator did not start" >&2; exit 1; }
url="$(cat "$workdir/url")"
echo "==> Simulator listening on $url (token $token; CA certificate $workdir/ca.pem, verification on)"

step=0
# step <title> <example path under examples/> [args...]
step() {
  step=$((step + 1))
  echo
  echo "######## Step $step: $1"
  echo "\$ $2 ${*:3}"
  (cd "$workdir" && "$examples/$2" --cburl "$url" --apitoken "$token" --ca-file "$workdir/ca.pem" "${@:3}")
}

step "Cb Response server information" response/server_info
step "The server's TLS: chain verification, versions and cipher suites (no request, no token sent)" response/check_tls
step "Process search with the 6.1 filters: powershell, one row per process, seen by the server since 9 Aug 2017" \
  response/process_search --query "process_name:powershell.exe" --group-by id \
  --min-last-server-update 2017-08-09T00:00:00Z
step "A process tree with lifetimes and command lines (explorer.exe on sensor 1)" \
  response/walk_children --query "process_name:explorer.exe sensor_id:1"
step "Every event of the cmd.exe processes, one CSV file per process" response/event_export --query "process_name:cmd.exe"
echo "CSV files written: $(ls "$workdir"/*.csv 2>/dev/null | wc -l)"
step "Users and their teams" response/user_operations list
step "Watchlists exported to a shareable JSON file" response/watchlist_exporter --file watchlists.json \
  --author "cbapi-cpp demo" --description "exported by the demo"
echo "watchlists.json: $(grep -c '"Name"' "$workdir/watchlists.json") watchlists"
step "Event storage partitions" response/partition_operations list
step "Cb Protection file rules" protection/file_rule_operations list
step "Cb Defense policies" defense/policy_operations list
step "A scripted Live Response session on a Cb Response sensor" response/cblr_cli \
  -c "connect 1; pwd; dir; ps; reg query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run; exit"

echo
echo "==> Tour finished: $step steps ran against the simulator."
