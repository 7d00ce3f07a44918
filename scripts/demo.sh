#!/usr/bin/env bash
# The demo command: installs what is missing, builds, starts the bundled simulator (cbapi-mock-server) and runs the
# example programs against it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cbapi_install_missing
cbapi_build release

bin="$CBAPI_ROOT/build/release"
workdir="$(mktemp -d)"
token="demo-token"
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
  "$bin/examples/$1" "${@:2}" --cburl "$url" --apitoken "$token"
}

run_example server_info
run_example server_info --json

echo
echo "==> Demo finished: every example ran against the simulator."
