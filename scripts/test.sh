#!/usr/bin/env bash
# Build racesim, check that its sources keep their layers, and run its whole
# test suite (unit, scenario and CLI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh --test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRACESIM_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
python3 scripts/check-layers build
ctest --test-dir build --output-on-failure -j2
