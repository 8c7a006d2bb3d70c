#!/usr/bin/env bash
# Run each libFuzzer harness for a fixed time, starting from the seed corpus
# in tests/fuzz/corpus/ and the regressions in tests/fuzz/regressions/
# (inputs that once crashed racesim; they must keep passing).  The corpus in
# the repository is read, never written.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS}
secs=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in token options scenario; do
  mkdir -p "$work/$f"
  extra=()
  [ -d "$here/regressions/$f" ] && extra+=("$here/regressions/$f")
  echo "== fuzz_$f for ${secs}s"
  status=0
  (cd "$work" && "$build/fuzz_$f" "$work/$f" "$here/corpus/$f" "${extra[@]}" \
     -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 2>&1 |
     grep -E "DONE|ERROR|SUMMARY|crash-|leak-|timeout-|oom-|slow-unit|stat::number_of_executed_units|^ +#[0-9]+ ") ||
    status=$?
  if [ "$status" -ne 0 ]; then
    # show the input, so that a failure seen only in CI can be reproduced
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [ -f "$a" ] || continue
      echo "== the input ($(basename "$a"), $(wc -c <"$a") bytes), base64:"
      head -c 4096 "$a" | base64
    done
    exit "$status"
  fi
done
echo "fuzzing: no crash"
