#!/usr/bin/env bash
# The integration suite against a real Fabric network of its own (scripts/with-fresh-network.sh): 002's
# deployment (two peers per NMI, five Raft orderers) with its ports moved by 3000, so it runs beside a
# developer's network. Without Fabric binaries it says so in one line and exits 0, so `npm test` still
# runs everything else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! check=$(bash scripts/install-fabric.sh --check 2>&1); then
  echo
  echo "!!!!! SKIPPED: the integration tests against a live Fabric network — no Fabric binaries ($(tail -n1 <<<"$check"))"
  echo
  exit 0
fi

exec bash scripts/with-fresh-network.sh "${MLEDGER_TEST_TOPOLOGY:-network/topologies/nmi-002.yaml}" "${MLEDGER_TEST_PORT_OFFSET:-3000}" \
  npx jest --selectProjects integration --runInBand "$@"
