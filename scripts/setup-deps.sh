#!/usr/bin/env bash
# Installs racesim's build dependencies on Debian/Ubuntu (as root, or with
# sudo); with --test also what the test suite uses (Chromium for the HTML
# report test, clang for the fuzzers, valgrind, GNU parallel for the README's
# sharding recipe, GNU time for the memory test).  Safe to run again: it
# installs only what is missing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config liblua5.4-dev libsqlite3-dev sqlite3 python3)
if [ "${1:-}" = "--test" ]; then
  pkgs+=(chromium clang libclang-rt-dev valgrind parallel time)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
