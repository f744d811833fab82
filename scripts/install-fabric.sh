#!/usr/bin/env bash
# Makes the Hyperledger Fabric binaries the native network needs available to <state>/bin
# (<repo>/.fabric/bin, or $MLEDGER_STATE_DIR/bin). Sources, in this order:
#
#   1. FABRIC_BIN_DIR=/path/to/bin   a folder of binaries (the bin/ of the official release tarballs,
#                                    Fabric and Fabric CA merged), with ../config (core.yaml,
#                                    orderer.yaml) beside it. Checked, then recorded in the cache, so
#                                    every later command finds it without the variable.
#   2. the cache                     $MLEDGER_FABRIC_CACHE/<version>/{bin,config}
#                                    (default ~/.cache/meterledger/fabric/2.5.16), laid out exactly as
#                                    the official release tarball.
#   3. the official release tarballs of Fabric and Fabric CA from GitHub, downloaded into the cache
#                                    after their SHA-256 digests, as GitHub publishes them for each
#                                    release asset, are verified.
#
# --check   only verify what is installed; never download.
# A second run finds everything cached and takes well under a second. `network/up.sh` runs this
# script as its first step. Exit codes: 0 ok, 1 install/verification failed, 2 usage.
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${MLEDGER_STATE_DIR:-$REPO_ROOT/.fabric}
BIN_DIR=$STATE_DIR/bin
LOG=$STATE_DIR/logs/install-fabric.log

# Keep in step with FABRIC_VERSION / FABRIC_CA_VERSION in network/src/fabric.ts (a unit test checks it).
FABRIC_VERSION=2.5.16
FABRIC_CA_VERSION=1.5.21
CACHE_ROOT=${MLEDGER_FABRIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meterledger/fabric}
FABRIC_HOME=$CACHE_ROOT/$FABRIC_VERSION
# Overridable for tests and mirrors.
RELEASES_URL=${MLEDGER_FABRIC_RELEASES_URL:-https://github.com/hyperledger}
API_URL=${MLEDGER_GITHUB_API_URL:-https://api.github.com/repos/hyperledger}
# Versions accepted from FABRIC_BIN_DIR.
FABRIC_VERSION_PATTERN='^2\.5(\.|-|$)'
FABRIC_CA_VERSION_PATTERN='^v?1\.5(\.|-|$)' # Fabric CA built from source prints v1.5.x

REQUIRED=(peer orderer configtxgen configtxlator osnadmin discover fabric-ca-server fabric-ca-client)
OPTIONAL=(cryptogen ledgerutil)
CONFIG_FILES=(core.yaml orderer.yaml)

MODE=install
case "${1:-}" in
  '') ;;
  --check) MODE=check ;;
  -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

say() { echo "install-fabric: $*"; }

# Whether folder $1 holds every required binary and ../config holds Fabric's default config.
complete_install() {
  local dir=$1 b f
  for b in "${REQUIRED[@]}"; do [[ -x "$dir/$b" ]] || return 1; done
  for f in "${CONFIG_FILES[@]}"; do [[ -f "$dir/../config/$f" ]] || return 1; done
}

# `peer version` prints " Version: 2.5.x"; fabric-ca-* print the same shape for `version`.
version_of() {
  local bin=$1 out
  case "$(basename "$bin")" in
    configtxgen) out=$("$bin" -version 2>&1 || true) ;;
    osnadmin|configtxlator|discover) echo "n/a"; return ;; # no version command worth parsing
    *) out=$("$bin" version 2>&1 || true) ;;
  esac
  sed -n 's/^[[:space:]]*Version:[[:space:]]*//p' <<<"$out" | head -n1
}

advice() {
  cat >&2 <<EOF
What you can do (any one of these):
  * Put the official release tarballs' contents in the cache: $FABRIC_HOME/bin (Fabric $FABRIC_VERSION and
    Fabric CA $FABRIC_CA_VERSION binaries, merged) and $FABRIC_HOME/config (core.yaml, orderer.yaml).
  * Or point at such a folder once: FABRIC_BIN_DIR=/path/to/bin $0
    (../config must hold core.yaml and orderer.yaml); later commands find it without the variable.
  * Or run this script where $RELEASES_URL and $API_URL are reachable: it downloads
    hyperledger-fabric-linux-amd64-$FABRIC_VERSION.tar.gz and hyperledger-fabric-ca-linux-amd64-$FABRIC_CA_VERSION.tar.gz
    and verifies their published SHA-256 digests.
EOF
}

fail() {
  # $1 what failed, $2 why
  {
    echo
    echo "install-fabric: no usable Hyperledger Fabric $FABRIC_VERSION installation."
    echo "  what failed : $1"
    echo "  answer      : $2"
    echo "  full log    : $LOG"
    echo
  } >&2
  advice
  exit 1
}

# Links the binaries of an installation into <state>/bin and records which installation it is.
link_into_state() {
  local home=$1 b
  mkdir -p "$BIN_DIR"
  for b in "${REQUIRED[@]}" "${OPTIONAL[@]}"; do
    if [[ -x "$home/bin/$b" ]]; then ln -sfn "$home/bin/$b" "$BIN_DIR/$b"; fi
  done
  echo "$home" >"$BIN_DIR/.installed"
}

state_is_current() {
  local b
  [[ -f "$BIN_DIR/.installed" && "$(cat "$BIN_DIR/.installed")" == "$FABRIC_HOME" ]] || return 1
  for b in "${REQUIRED[@]}"; do [[ -x "$BIN_DIR/$b" ]] || return 1; done
  complete_install "$FABRIC_HOME/bin"
}

# 0. nothing to do?
if [[ -z "${FABRIC_BIN_DIR:-}" ]] && state_is_current; then
  say "cached in $FABRIC_HOME"
  exit 0
fi
if [[ $MODE == check ]]; then
  if [[ -z "${FABRIC_BIN_DIR:-}" ]] && complete_install "$FABRIC_HOME/bin"; then
    say "installed in $FABRIC_HOME (not yet linked into $BIN_DIR)"
    exit 0
  fi
  echo "install-fabric: Fabric $FABRIC_VERSION is not installed in $FABRIC_HOME" >&2
  echo "install-fabric: run scripts/install-fabric.sh (or set FABRIC_BIN_DIR)" >&2
  exit 1
fi

mkdir -p "$(dirname "$LOG")"
: >"$LOG"

# 1. a folder of binaries named by the user: check it, then record it in the cache.
if [[ -n "${FABRIC_BIN_DIR:-}" ]]; then
  [[ -d "$FABRIC_BIN_DIR" ]] || fail "FABRIC_BIN_DIR=$FABRIC_BIN_DIR" "no such directory"
  src=$(cd "$FABRIC_BIN_DIR" && pwd)
  problems=()
  for b in "${REQUIRED[@]}"; do
    if [[ ! -x "$src/$b" ]]; then problems+=("$b: missing or not executable"); continue; fi
    v=$(version_of "$src/$b")
    echo "$b: version ${v:-unknown}" >>"$LOG"
    case "$b" in
      osnadmin|configtxlator|discover) ;;
      fabric-ca-*) [[ $v =~ $FABRIC_CA_VERSION_PATTERN ]] || problems+=("$b: version '${v:-unknown}', need 1.5.x") ;;
      *) [[ $v =~ $FABRIC_VERSION_PATTERN ]] || problems+=("$b: version '${v:-unknown}', need 2.5.x") ;;
    esac
  done
  for f in "${CONFIG_FILES[@]}"; do
    [[ -f "$src/../config/$f" ]] || problems+=("$(cd "$src/.." && pwd)/config/$f: missing")
  done
  if ((${#problems[@]})); then
    fail "checking the binaries in FABRIC_BIN_DIR=$src" "$(printf '%s; ' "${problems[@]}")"
  fi
  if [[ "$(cd "$src/.." && pwd)" != "$(mkdir -p "$FABRIC_HOME" && cd "$FABRIC_HOME" && pwd)" ]]; then
    mkdir -p "$FABRIC_HOME/bin" "$FABRIC_HOME/config"
    for b in "${REQUIRED[@]}" "${OPTIONAL[@]}"; do
      if [[ -x "$src/$b" ]]; then ln -sfn "$src/$b" "$FABRIC_HOME/bin/$b"; fi
    done
    cp "$src/../config/"*.yaml "$FABRIC_HOME/config/"
    echo "FABRIC_BIN_DIR=$src" >"$FABRIC_HOME/.source"
  fi
  link_into_state "$FABRIC_HOME"
  say "recorded $src in $FABRIC_HOME and linked it into $BIN_DIR"
  exit 0
fi

# 2. the cache, filled earlier by a download, by FABRIC_BIN_DIR or by hand.
if complete_install "$FABRIC_HOME/bin"; then
  link_into_state "$FABRIC_HOME"
  say "linked $FABRIC_HOME into $BIN_DIR"
  exit 0
fi

# 3. the official release tarballs, verified against GitHub's published digests.
command -v curl >/dev/null 2>&1 || fail "looking for curl to download the release tarballs" "curl is not on PATH"

# Prints the sha256 GitHub publishes for asset $2 of release $1 ("owner/repo/releases/tags/vX").
published_digest() {
  local release_json=$1 asset=$2
  node -e '
    const [file, name] = process.argv.slice(1);
    const release = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const a = (release.assets || []).find((x) => x.name === name);
    const m = a && /^sha256:([0-9a-f]{64})$/.exec(a.digest || "");
    if (!m) { console.error("no sha256 digest published for " + name); process.exit(1); }
    console.log(m[1]);' "$release_json" "$asset"
}

download() {
  # $1 repo (fabric | fabric-ca), $2 version, $3 asset name; unpacks into $FABRIC_HOME
  local repo=$1 version=$2 asset=$3 tmp want got
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  say "downloading $asset"
  echo "\$ curl $API_URL/$repo/releases/tags/v$version" >>"$LOG"
  curl -fsSL --retry 2 -o "$tmp/release.json" "$API_URL/$repo/releases/tags/v$version" >>"$LOG" 2>&1 ||
    fail "reading the release v$version of hyperledger/$repo" "$(tail -n1 "$LOG")"
  want=$(published_digest "$tmp/release.json" "$asset" 2>>"$LOG") ||
    fail "reading the published digest of $asset" "$(tail -n1 "$LOG")"
  echo "\$ curl $RELEASES_URL/$repo/releases/download/v$version/$asset" >>"$LOG"
  curl -fsSL --retry 2 -o "$tmp/$asset" "$RELEASES_URL/$repo/releases/download/v$version/$asset" >>"$LOG" 2>&1 ||
    fail "downloading $asset" "$(tail -n1 "$LOG")"
  got=$(sha256sum "$tmp/$asset" | cut -d' ' -f1)
  [[ $got == "$want" ]] || fail "verifying $asset" "sha256 $got, but the release publishes $want"
  echo "$asset: sha256 $got verified" >>"$LOG"
  mkdir -p "$FABRIC_HOME"
  tar -xzf "$tmp/$asset" -C "$FABRIC_HOME" bin config 2>>"$LOG" || tar -xzf "$tmp/$asset" -C "$FABRIC_HOME" bin 2>>"$LOG" ||
    fail "unpacking $asset" "$(tail -n1 "$LOG")"
}

download fabric "$FABRIC_VERSION" "hyperledger-fabric-linux-amd64-$FABRIC_VERSION.tar.gz"
download fabric-ca "$FABRIC_CA_VERSION" "hyperledger-fabric-ca-linux-amd64-$FABRIC_CA_VERSION.tar.gz"
complete_install "$FABRIC_HOME/bin" || fail "checking the unpacked release" "$FABRIC_HOME lacks a required binary or config file"
echo "release tarballs v$FABRIC_VERSION / v$FABRIC_CA_VERSION" >"$FABRIC_HOME/.source"
link_into_state "$FABRIC_HOME"
say "installed Fabric $FABRIC_VERSION and Fabric CA $FABRIC_CA_VERSION into $FABRIC_HOME and linked them into $BIN_DIR"
