#!/usr/bin/env bash
# Makes the MQTT broker the network runs (network/src/mqtt.ts) available: Eclipse Mosquitto from the Debian
# package, with its command-line clients (mosquitto_pub / mosquitto_sub). Idempotent: does nothing when
# mosquitto is already installed. Installs with apt-get only when run as root; otherwise says what to run.
# It does not start, stop or configure a system broker (Debian's package may enable one on 1883 through
# systemd): `network/up.sh` runs a broker of its own, with its own config, on the topology's mqtt.port.
#   scripts/install-mosquitto.sh [--check]
set -euo pipefail

find_mosquitto() {
  if [[ -n ${MLEDGER_MOSQUITTO:-} ]]; then if [[ -x $MLEDGER_MOSQUITTO ]]; then echo "$MLEDGER_MOSQUITTO"; fi; return 0; fi
  PATH="$PATH:/usr/sbin:/usr/local/sbin:/sbin" command -v mosquitto || true
}

have_clients() { command -v mosquitto_pub >/dev/null && command -v mosquitto_sub >/dev/null; }

bin=$(find_mosquitto)
if [[ -n $bin ]] && have_clients; then
  echo "install-mosquitto: found $bin ($("$bin" -h 2>/dev/null | head -n1 || true))"
  exit 0
fi
if [[ ${1:-} == --check ]]; then
  echo "install-mosquitto: mosquitto${bin:+ clients} not installed (run scripts/install-mosquitto.sh)" >&2
  exit 1
fi

packages=(mosquitto mosquitto-clients)
if [[ $(id -u) -ne 0 ]]; then
  echo "install-mosquitto: mosquitto is not installed and this is not root; run: sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "install-mosquitto: mosquitto is not installed and there is no apt-get; install Eclipse Mosquitto 2.x (broker and clients) with this system's package manager" >&2
  exit 1
fi
echo "install-mosquitto: installing ${packages[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${packages[@]}" >/dev/null
bin=$(find_mosquitto)
[[ -n $bin ]] || { echo "install-mosquitto: apt-get finished but mosquitto is still not found" >&2; exit 1; }
echo "install-mosquitto: installed $bin ($("$bin" -h 2>/dev/null | head -n1 || true))"
