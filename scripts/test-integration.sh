#!/usr/bin/env bash
# The integration suite against a real Fabric network of its own (scripts/with-fresh-network.sh): 002's
# deployment (two peers per NMI, five Raft orderers) with its ports moved by 500 (dev ports end in 0xx/1xx,
# so these never collide with a developer's network). The suite runs twice: through the fabric-network 2.2
# transport (not the peer-failure test: fabric-network 2.2 then times out in discovery, see the client README),
# then through the Gateway, which also runs test/resilience.test.ts, test/affiliation.test.ts (a third org) and
# test/auditor.test.ts (followReadings needs fabric-gateway chaincode events). Then the weighing tests
# (test/weighing*.test.ts) on a second fresh network, 004's customers (network/topologies/weighing-004.yaml),
# through the Gateway.
# Without Fabric binaries it says so in one line and exits 0, so `npm test` still runs everything else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! check=$(bash scripts/install-fabric.sh --check 2>&1); then
  echo
  echo "!!!!! SKIPPED: the integration tests against a live Fabric network — no Fabric binaries ($(tail -n1 <<<"$check"))"
  echo
  exit 0
fi

weighing='weighing.*\.test\.ts$'
bash scripts/with-fresh-network.sh "${MLEDGER_TEST_TOPOLOGY:-network/topologies/nmi-002.yaml}" "${MLEDGER_TEST_PORT_OFFSET:-500}" \
  bash -c 'set -e
    echo "== integration suite through fabric-network 2.2"
    MLEDGER_TRANSPORT=fabric-network npx jest --selectProjects integration --runInBand --testPathIgnorePatterns "affiliation|resilience|auditor|weighing" "$@"
    echo "== integration suite through the Gateway"
    MLEDGER_TRANSPORT=gateway npx jest --selectProjects integration --runInBand --testPathIgnorePatterns "weighing" "$@"
  ' integration "$@"

if ! ls test/ | grep -Eq "$weighing"; then
  echo "== no weighing tests: the weighing-004 network is not started"
  exit 0
fi
exec bash scripts/with-fresh-network.sh "${MLEDGER_TEST_WEIGHING_TOPOLOGY:-network/topologies/weighing-004.yaml}" "${MLEDGER_TEST_WEIGHING_PORT_OFFSET:-700}" \
  bash -c 'set -e
    echo "== weighing tests (004 customers) through the Gateway"
    MLEDGER_TRANSPORT=gateway npx jest --selectProjects integration --runInBand --testPathPattern "weighing" "$@"
  ' weighing "$@"
