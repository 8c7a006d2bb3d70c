#!/usr/bin/env bash
# valgrind memcheck over scenario runs: no invalid access, no leak.
# Usage: tests/valgrind.sh PATH/TO/racesim
set -uo pipefail
racesim=${1:?usage: valgrind.sh PATH/TO/racesim}
cd "$(dirname "$0")/.."
fail=0
n=0
tmp=$(mktemp -d)
for f in ../shared/acceptance/*.lua tests/scenarios/*.lua; do
  [ -f "$f" ] || continue
  for strat in random dfs; do
    n=$((n + 1))
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      "$racesim" run "$f" --strategy $strat --runs 20 --seed 1 --db "$tmp/v.db" --quiet \
      >/dev/null 2>"$tmp/err"
    if [ $? = 99 ]; then # racesim itself exits 0, 1 (findings) or 2
      echo "FAIL  valgrind: $f ($strat)"
      head -40 "$tmp/err"
      fail=1
    fi
  done
done
rm -rf "$tmp"
echo "valgrind: $n runs checked, $([ $fail = 0 ] && echo clean || echo errors)"
exit $fail
