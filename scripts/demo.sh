#!/usr/bin/env bash
# The main job on a fresh machine: install dependencies, Fabric binaries and mosquitto, start the network, deploy the
# chaincode, run the demo. Each step says what failed and where its log is.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== npm dependencies"; npm ci --no-audit --no-fund
echo "== build"; npm run build
echo "== Fabric binaries"; bash scripts/install-fabric.sh
echo "== MQTT broker (mosquitto)"; bash scripts/install-mosquitto.sh
echo "== network up"; bash network/up.sh
echo "== chaincode deploy"; bash network/deploy.sh
echo "== demo"; npx tsx scripts/demo.ts
