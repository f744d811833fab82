#!/usr/bin/env bash
# Thin wrapper: node network/dist/cli.js status [options]  (see network/README.md)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [[ ! -f "$here/dist/cli.js" ]]; then
  echo "building @meterledger/network (dist/ is missing) ..." >&2
  (cd "$here/.." && npx tsc -p network/tsconfig.build.json)
fi
exec node "$here/dist/cli.js" status "$@"
