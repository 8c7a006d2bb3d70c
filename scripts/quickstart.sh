#!/usr/bin/env bash
# Set up everything and show racesim at work: installs the dependencies
# (Debian/Ubuntu), builds, and explores an example scenario in which two
# threads lose an update.  racesim prints the bug and the command that
# replays the failing interleaving step by step; that command works as
# printed from the directory this script was run in.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target racesim
# paths as seen from here, so that the printed replay line can be pasted here
rel=$(realpath --relative-to="$PWD" "$root")
if [ "$rel" = "." ]; then at=""; else at="$rel/"; fi
echo
set +e
"${at}build/racesim" run "${at}scripts/examples/quickstart_lost_update.lua" --seed 42 --runs 500 \
  --db "${at}build/quickstart.db"
status=$?
set -e
# exit status 1 means "found a bug", which is what this example is for
[ "$status" -le 1 ] || exit "$status"
echo
echo "Now replay it: paste the 'replay:' line above; it prints the run step by step."
