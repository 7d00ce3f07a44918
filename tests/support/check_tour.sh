#!/usr/bin/env bash
# check_tour.sh <source dir> <build dir>: runs the demo's guided tour against the build's programs and checks the
# key line of every step.
set -uo pipefail
output="$(bash "$1/scripts/lib/tour.sh" "$2" 2>&1)"
status=$?
echo "$output"
[ $status -eq 0 ] || { echo "TOUR FAILED with exit code $status"; exit 1; }
expect() {
  grep -qE -- "$1" <<<"$output" || { echo "TOUR CHECK FAILED: no line matches /$1/"; exit 1; }
}
expect '^==> Simulator listening on https://127\.0\.0\.1:[0-9]+ .*verification on'
expect '^version +: 6\.1\.0'
expect '^Certificate chain: verifies$'
expect '^  TLS 1\.3 +accepted$'
expect 'powershell\.exe +[0-9]+ "c:\\windows\\system32\\windowspowershell'
expect '^Process "c:\\windows\\explorer\.exe" on [A-Z]+-[A-Z]+-01 executed by'
expect '^  [0-9-]+ [0-9:]+ -- [0-9-]+ [0-9:]+: "c:\\windows\\system32\\cmd\.exe"'
expect 'events out of [0-9]+ total events exported from process at http'
expect '^CSV files written: [1-9]'
expect '^Username +Name +Email address +Teams'
expect '^watchlists\.json: [1-9][0-9]* watchlists'
expect 'Storage Partition "'
expect 'banned +[0-9A-F]{32}'
expect '^Policy id 1: default'
expect '^Session: 1'
expect 'OneDrive +REG_SZ'
if [ ! -x "$2/examples/events/watchlist_automation" ]; then
  expect '^==> Tour finished: 11 steps ran against the simulator \(no event side'
  echo "TOUR CHECKED"
  exit 0
fi
expect '^watchlist_automation: listening on event bus amqp://guest@127\.0\.0\.1:[0-9]+'
expect '^published: "published":true'
expect "^BAN: watchlist 'BAN: netcat \\(demo\\)': banned [0-9a-f]{32} \\(process "
expect '^watchlist_automation: stopped; 0 error\(s\)'
expect '^==> Tour finished: 12 steps ran against the simulator\.'
echo "TOUR CHECKED"
