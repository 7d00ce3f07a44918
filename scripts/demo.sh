#!/usr/bin/env bash
# The demo command: installs what is missing, builds, starts the bundled simulator (cbapi-mock-server) and runs the
# example programs against it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cbapi_install_missing
cbapi_build release

bin="$CBAPI_ROOT/build/release"
workdir="$(mktemp -d)"
token="DEMOAPIKEY/DEMOCONNECTOR"  # one token for all products; Cb Defense wants <api key>/<connector id>
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

"$bin/cbapi-mock-server" --port 0 --token "$token" --url-file "$workdir/url" >"$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$workdir/url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$workdir/url" ] || { echo "the simulator did not start" >&2; exit 1; }
url="$(cat "$workdir/url")"
echo "==> Simulator listening on $url"

run_example() {
  echo
  echo "==> $*"
  "$bin/examples/$1" --cburl "$url" --apitoken "$token" "${@:2}"
}

echo
echo "######## Cb Response"
run_example response/server_info

echo
echo "######## Cb Protection"
run_example protection/protection_policy_operations list
run_example protection/protection_policy_operations add --name "Demo Policy" --description "made by the demo"
run_example protection/file_rule_operations list
run_example protection/approve_files --policy "Default Policy" --threshold 2
run_example protection/remove_duplicates --dry-run

echo
echo "######## Cb Defense"
run_example defense/policy_operations list
run_example defense/move_sensor --id 1001 --policyname Restrictive_Windows_Workstation
run_example defense/notifications -s 0 -c 1

echo
echo "==> Demo finished: every example ran against the simulator."
