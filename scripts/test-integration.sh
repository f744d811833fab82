#!/usr/bin/env bash
# The integration suite on a fresh network of its own: a new state folder and ports moved by
# MLEDGER_PORT_OFFSET (default 3000), so it runs beside a developer's long-lived network without
# touching it. up, deploy, test/*.test.ts through the SDKs, down, state removed (kept on failure,
# with its logs, and the folder named). Without Fabric binaries it says so in one line and exits 0,
# so `npm test` still runs everything else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! check=$(bash scripts/install-fabric.sh --check 2>&1); then
  echo
  echo "!!!!! SKIPPED: the integration tests against a live Fabric network — no Fabric binaries ($(tail -n1 <<<"$check"))"
  echo
  exit 0
fi

state=$(mktemp -d "${TMPDIR:-/tmp}/meterledger-it-XXXXXX")
export MLEDGER_STATE_DIR=$state
export MLEDGER_PORT_OFFSET=${MLEDGER_TEST_PORT_OFFSET:-3000}
# 002's deployment: two peers per NMI (a test kills one), five Raft orderers.
export MLEDGER_TOPOLOGY=${MLEDGER_TEST_TOPOLOGY:-network/topologies/nmi-002.yaml}
cli=(node network/dist/cli.js)
status=1
finish() {
  "${cli[@]}" down >/dev/null 2>&1 || true
  if [[ $status -eq 0 ]]; then
    rm -rf "$state"
  else
    echo "integration: FAILED; the test network's state and logs are kept in $state/logs" >&2
  fi
}
trap finish EXIT

echo "== integration: fresh network ($MLEDGER_TOPOLOGY) in $state, ports +$MLEDGER_PORT_OFFSET"
"${cli[@]}" up
"${cli[@]}" deploy
npx jest --selectProjects integration --runInBand "$@"
status=0
