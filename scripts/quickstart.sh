#!/usr/bin/env bash
# Set up everything and show racesim at work: installs the dependencies
# (Debian/Ubuntu), builds, and explores an example scenario in which two
# threads lose an update.  racesim prints the finding and the command that
# replays the failing interleaving step by step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
echo
set +e
build/racesim run scripts/examples/quickstart_lost_update.lua --seed 42 --runs 500 --db build/quickstart.db
status=$?
set -e
# exit status 1 means "findings", which is what this example is for
[ "$status" -le 1 ] || exit "$status"
echo
echo "Now replay it: copy the 'replay:' line above and run it with build/racesim."
