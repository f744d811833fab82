#!/usr/bin/env bash
# Installs the Hyperledger Fabric binaries the native network needs into <state>/bin
# (<repo>/.fabric/bin, or $MLEDGER_STATE_DIR/bin):
#   peer orderer configtxgen osnadmin cryptogen   go install github.com/hyperledger/fabric/cmd/...@$FABRIC_REF
#   fabric-ca-server fabric-ca-client             go install github.com/hyperledger/fabric-ca/cmd/...@$FABRIC_CA_REF
#
# FABRIC_BIN_DIR=/path/to/bin   use pre-built binaries instead (e.g. the bin/ of the official
#                               release tarballs): they are checked (present, executable, version)
#                               and linked into <state>/bin; nothing is downloaded.
# --check                       only verify what is installed; never download.
#
# A second run finds the binaries cached and takes well under a second. `network/up.sh` runs this
# script as its first step, so it fails with the same message before doing anything else.
# Exit codes: 0 ok, 1 install/verification failed, 2 usage.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${MLEDGER_STATE_DIR:-$REPO_ROOT/.fabric}
BIN_DIR=$STATE_DIR/bin
LOG=$STATE_DIR/logs/install-fabric.log

# Keep FABRIC_REF in step with FABRIC_COMMIT in network/src/fabric.ts (a unit test checks it).
FABRIC_REF=${FABRIC_REF:-f871cf92a026aba7b12e6f06d71ded3e6e659d71}
FABRIC_CA_REF=${FABRIC_CA_REF:-v1.5.17}
# What `peer version` etc. report for binaries built here (go install has no release ldflags).
FABRIC_VERSION_LABEL=${FABRIC_VERSION_LABEL:-2.5.0-${FABRIC_REF:0:7}}
FABRIC_CA_VERSION_LABEL=${FABRIC_CA_VERSION_LABEL:-${FABRIC_CA_REF#v}}
# Versions accepted from FABRIC_BIN_DIR.
FABRIC_VERSION_PATTERN='^2\.5(\.|-|$)'
FABRIC_CA_VERSION_PATTERN='^1\.5(\.|-|$)'

FABRIC_TOOLS=(peer orderer configtxgen osnadmin cryptogen)
CA_TOOLS=(fabric-ca-server fabric-ca-client)
REQUIRED=(peer orderer configtxgen osnadmin fabric-ca-server fabric-ca-client)

MODE=install
case "${1:-}" in
  '') ;;
  --check) MODE=check ;;
  -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

say() { echo "install-fabric: $*"; }

# What this install is made of; a change (other ref, other FABRIC_BIN_DIR) forces a reinstall.
if [[ -n "${FABRIC_BIN_DIR:-}" ]]; then
  SOURCE="dir:$(cd "$FABRIC_BIN_DIR" 2>/dev/null && pwd || echo "$FABRIC_BIN_DIR")"
else
  SOURCE="go:fabric@$FABRIC_REF,fabric-ca@$FABRIC_CA_REF"
fi
MARKER=$BIN_DIR/.installed

all_present() {
  local b
  for b in "${REQUIRED[@]}"; do [[ -x "$BIN_DIR/$b" ]] || return 1; done
}

# `peer version` prints " Version: 2.5.x"; fabric-ca-* print the same shape for `version`.
version_of() {
  local bin=$1 out
  case "$(basename "$bin")" in
    configtxgen) out=$("$bin" -version 2>&1 || true) ;;
    osnadmin) echo "n/a"; return ;; # osnadmin has no version command
    *) out=$("$bin" version 2>&1 || true) ;;
  esac
  sed -n 's/^[[:space:]]*Version:[[:space:]]*//p' <<<"$out" | head -n1
}

fail_with_advice() {
  # $1 what failed, $2 the answer we got
  cat >&2 <<EOF

install-fabric: could not install the Hyperledger Fabric binaries.
  what failed : $1
  answer      : $2
  full log    : $LOG

What you can do:
  * Supply pre-built binaries (Fabric 2.5.x and Fabric CA 1.5.x for linux), e.g. the bin/ folders of
    hyperledger-fabric-linux-amd64-2.5.*.tar.gz and hyperledger-fabric-ca-linux-amd64-1.5.*.tar.gz
    from https://github.com/hyperledger/fabric/releases and https://github.com/hyperledger/fabric-ca/releases,
    merged into one folder, then run:
        FABRIC_BIN_DIR=/path/to/bin $0
    (or FABRIC_BIN_DIR=/path/to/bin network/up.sh). The tarball's config/ folder next to bin/ is
    used for core.yaml/orderer.yaml; otherwise point MLEDGER_FABRIC_CONFIG_DIR at a folder with them.
  * Or run this script where the Go module proxy serves github.com/hyperledger/fabric and fabric-ca.
EOF
  exit 1
}

# 1. cached?
if all_present && [[ -f "$MARKER" && "$(cat "$MARKER")" == "$SOURCE" ]]; then
  say "cached in $BIN_DIR ($SOURCE)"
  exit 0
fi
if [[ $MODE == check ]]; then
  missing=()
  for b in "${REQUIRED[@]}"; do [[ -x "$BIN_DIR/$b" ]] || missing+=("$b"); done
  echo "install-fabric: not installed in $BIN_DIR: ${missing[*]:-none missing, but installed from another source than $SOURCE}" >&2
  echo "install-fabric: run scripts/install-fabric.sh (or set FABRIC_BIN_DIR)" >&2
  exit 1
fi

mkdir -p "$BIN_DIR" "$(dirname "$LOG")"
: >"$LOG"

# 2. pre-built binaries supplied by the user
if [[ -n "${FABRIC_BIN_DIR:-}" ]]; then
  [[ -d "$FABRIC_BIN_DIR" ]] || fail_with_advice "FABRIC_BIN_DIR=$FABRIC_BIN_DIR" "no such directory"
  src=$(cd "$FABRIC_BIN_DIR" && pwd)
  problems=()
  for b in "${REQUIRED[@]}"; do
    if [[ ! -x "$src/$b" ]]; then problems+=("$b: missing or not executable"); continue; fi
    v=$(version_of "$src/$b")
    echo "$b: version ${v:-unknown}" >>"$LOG"
    case "$b" in
      osnadmin) ;;
      fabric-ca-*) [[ $v =~ $FABRIC_CA_VERSION_PATTERN ]] || problems+=("$b: version '${v:-unknown}', need 1.5.x") ;;
      *) [[ $v =~ $FABRIC_VERSION_PATTERN ]] || problems+=("$b: version '${v:-unknown}', need 2.5.x") ;;
    esac
  done
  if ((${#problems[@]})); then
    fail_with_advice "checking the binaries in FABRIC_BIN_DIR=$src" "$(printf '%s; ' "${problems[@]}")"
  fi
  for b in "${REQUIRED[@]}" cryptogen; do
    [[ -x "$src/$b" ]] && ln -sfn "$src/$b" "$BIN_DIR/$b"
  done
  echo "$SOURCE" >"$MARKER"
  say "linked $(printf '%s ' "${REQUIRED[@]}")from $src into $BIN_DIR"
  exit 0
fi

# 3. build from source with go install
command -v go >/dev/null 2>&1 || fail_with_advice "looking for the go toolchain" "go is not on PATH"

go_install() {
  # $1 module, $2 ref, $3 ldflags, rest: commands
  local module=$1 ref=$2 ldflags=$3; shift 3
  local pkgs=() c
  for c in "$@"; do pkgs+=("$module/cmd/$c@$ref"); done
  echo "\$ GOBIN=$BIN_DIR go install -ldflags '$ldflags' ${pkgs[*]}" >>"$LOG"
  if ! GOBIN="$BIN_DIR" go install -ldflags "$ldflags" "${pkgs[@]}" >>"$LOG" 2>&1; then
    local answer
    answer=$(grep -m3 -iE '40[0-9] |410 |not available|server response|no such host|dial tcp|i/o timeout|unknown revision|invalid version' "$LOG" | sed 's/^[[:space:]]*//' | paste -sd'|' - | sed 's/|/ | /g' || true)
    fail_with_advice "go install $module/cmd/{$(IFS=,; echo "$*")}@$ref" "${answer:-$(tail -n3 "$LOG" | paste -sd' ' -)}"
  fi
}

say "building Fabric ($FABRIC_REF) and Fabric CA ($FABRIC_CA_REF) with go install; this takes a few minutes the first time"
go_install github.com/hyperledger/fabric "$FABRIC_REF" \
  "-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION_LABEL -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_REF:0:7}" \
  "${FABRIC_TOOLS[@]}"
go_install github.com/hyperledger/fabric-ca "$FABRIC_CA_REF" \
  "-X github.com/hyperledger/fabric-ca/lib/metadata.Version=$FABRIC_CA_VERSION_LABEL" \
  "${CA_TOOLS[@]}"
all_present || fail_with_advice "go install" "finished, but not every binary is in $BIN_DIR"
echo "$SOURCE" >"$MARKER"
say "installed $(printf '%s ' "${REQUIRED[@]}" cryptogen)into $BIN_DIR"
