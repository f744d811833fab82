#!/usr/bin/env bash
# Runs a command against a fresh network of its own: a new state folder, the ports of the topology moved
# by MLEDGER_PORT_OFFSET, up, deploy, the command, down, state removed (kept, with its logs, when the
# command fails, and the folder named). It runs beside a developer's long-lived network without touching
# it. The command sees MLEDGER_STATE_DIR, MLEDGER_PORT_OFFSET and MLEDGER_TOPOLOGY.
#   scripts/with-fresh-network.sh <topology.yaml> <port offset> <command> [args…]
# Exit codes: the command's; 1 when the network cannot be started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $# -ge 3 ]] || { echo "usage: $0 <topology.yaml> <port offset> <command> [args…]" >&2; exit 2; }

state=$(mktemp -d "${TMPDIR:-/tmp}/meterledger-XXXXXX")
export MLEDGER_STATE_DIR=$state MLEDGER_TOPOLOGY=$1 MLEDGER_PORT_OFFSET=$2
shift 2
cli=(node network/dist/cli.js)
status=1
finish() {
  "${cli[@]}" down >/dev/null 2>&1 || true
  if [[ $status -eq 0 ]]; then
    rm -rf "$state"
  else
    echo "fresh network: FAILED; its state and logs are kept in $state (logs/)" >&2
  fi
}
trap finish EXIT

echo "== fresh network ($MLEDGER_TOPOLOGY) in $state, ports +$MLEDGER_PORT_OFFSET"
"${cli[@]}" up
"${cli[@]}" deploy
"$@" && status=0 || status=$?
exit $status
