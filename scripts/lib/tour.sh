#!/usr/bin/env bash
# tour.sh <build dir>: starts the simulator from <build dir>, runs a short guided tour of the example programs
# against it (each step titled), then stops the simulator. Used by scripts/demo.sh (release build) and by the
# suite's Demo.Tour test (the test build). Exits non-zero when a step fails. The last step needs the event side: a
# throwaway RabbitMQ node (scripts/lib/rabbitmq.sh) that the simulator publishes its events to.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/rabbitmq.sh"
build="$(cd "$1" && pwd)"
examples="$build/examples"
workdir="$(mktemp -d)"
token="DEMOAPIKEY/DEMOCONNECTOR"  # one token for all products; Cb Defense wants <api key>/<connector id>
server_pid=""
automation_pid=""
cleanup() {
  if [ -n "$automation_pid" ]; then kill "$automation_pid" 2>/dev/null || true; wait "$automation_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  cbapi_rabbitmq_stop
  rm -rf "$workdir"
}
trap cleanup EXIT

# The event bus first: the node boots (seconds) while the other steps run; the simulator connects on its first event.
# (A build without the event side, CBAPI_BUILD_EVENTS=OFF, has no watchlist_automation: the tour leaves the step out.)
event_args=()
if [ -x "$examples/events/watchlist_automation" ]; then
  cbapi_rabbitmq_start "$workdir/rabbitmq"
  event_args=(--event-bus "amqp://guest@127.0.0.1:$CBAPI_RABBITMQ_PORT")
fi

# HTTPS, as a real server: the simulator makes a certificate and writes the CA to trust; every step verifies with it.
CBAPI_EVENT_BUS_PASSWORD=guest "$build/cbapi-mock-server" --port 0 --token "$token" --seed 7 \
  --ca-file "$workdir/ca.pem" --url-file "$workdir/url" "${event_args[@]}" >"$workdir/server.log" 2>&1 &
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


# The event side: a watchlist hit flows simulator -> RabbitMQ -> watchlist_automation -> a banned hash. The example
# reads the event bus settings (rabbitmq_*) from a credential profile, as cbapi-python's examples do.
if [ ${#event_args[@]} -eq 0 ]; then
  echo
  echo "==> Tour finished: $step steps ran against the simulator (no event side in this build: its step left out)."
  exit 0
fi
step=$((step + 1))
echo
echo "######## Step $step: Event bus: a hit on a 'BAN:' watchlist, published by the simulator to RabbitMQ, makes" \
  "watchlist_automation ban the process's hash"
cbapi_rabbitmq_wait 180
mkdir -p "$workdir/.carbonblack"
(umask 077 && cat >"$workdir/.carbonblack/credentials.response" <<EOF
[default]
url = $url
token = $token
ssl_cert_file = $workdir/ca.pem
rabbitmq_user = guest
rabbitmq_pass = guest
rabbitmq_host = 127.0.0.1
rabbitmq_port = $CBAPI_RABBITMQ_PORT
EOF
)
echo "\$ events/watchlist_automation --profile default &   (event bus 127.0.0.1:$CBAPI_RABBITMQ_PORT from the profile)"
(cd "$workdir" && exec "$examples/events/watchlist_automation" --profile default) >"$workdir/automation.log" 2>&1 &
automation_pid=$!
for _ in $(seq 1 300); do grep -q "listening on" "$workdir/automation.log" && break; sleep 0.1; done
grep -q "listening on" "$workdir/automation.log" || { cat "$workdir/automation.log" >&2; exit 1; }
echo "\$ response/watchlist_operations add -N 'BAN: netcat (demo)' -q process_name:nc.exe -t events"
watchlist="$(cd "$workdir" && "$examples/response/watchlist_operations" --cburl "$url" --apitoken "$token" \
  --ca-file "$workdir/ca.pem" add -N "BAN: netcat (demo)" -q "process_name:nc.exe" -t events)"
echo "$watchlist"
watchlist_id="${watchlist##* }"
echo "\$ curl -X POST $url/simulator/v1/watchlist/$watchlist_id/hit -d '{\"sensor_id\": 2}'   (the simulator's trigger)"
curl -sS --fail --cacert "$workdir/ca.pem" -H "X-Auth-Token: $token" -H "Content-Type: application/json" \
  -X POST -d '{"sensor_id": 2}' "$url/simulator/v1/watchlist/$watchlist_id/hit" >"$workdir/hit.json"
echo "published: $(grep -o '"published":[a-z]*' "$workdir/hit.json")"
for _ in $(seq 1 300); do grep -q "^BAN: " "$workdir/automation.log" && break; sleep 0.1; done
kill -INT "$automation_pid"
wait "$automation_pid" || { cat "$workdir/automation.log" >&2; exit 1; }
automation_pid=""
cat "$workdir/automation.log"
grep -q "^BAN: " "$workdir/automation.log" || { echo "watchlist_automation banned nothing" >&2; exit 1; }

echo
echo "==> Tour finished: $step steps ran against the simulator."
