#!/usr/bin/env python3
"""Record what racesim prints for every shipped scenario, to compare two builds.

Usage: record.py RACESIM OUTDIR        write one file per scenario and setting
       record.py --diff DIR1 DIR2      compare two recordings; exit 1 if they differ

For a change that must not change behaviour (a refactoring): record with the
binary before it, record with the one after, and diff.  Each scenario under
scripts/ and tests/scenarios/ is run with `--json --no-db` under random (a
fixed seed), pct and dfs (a run cap), with --jobs 1 and --jobs 4; `racesim
api` is recorded too.  Timings are removed; everything else, schedule tokens
included, must be the same byte for byte.
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Timings; and "explored", dfs's estimate of how much of an unfinished tree
# it covered, which with --jobs > 1 depends on where each worker stood when
# the budget ran out (the runs, findings and counts do not).
VOLATILE = {"elapsed", "runs_per_second", "explored"}
SETTINGS = [
    ("random", ["--strategy", "random", "--seed", "7", "--runs", "300"]),
    ("pct", ["--strategy", "pct", "--seed", "7", "--runs", "300"]),
    ("dfs", ["--strategy", "dfs", "--seed", "7", "--runs", "3000"]),
]


def scenarios():
    for top in ("scripts", os.path.join("tests", "scenarios")):
        for d, _, files in sorted(os.walk(os.path.join(ROOT, top))):
            for f in sorted(files):
                if f.endswith(".lua") and not f.endswith(".d.lua"):
                    yield os.path.relpath(os.path.join(d, f), ROOT)


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in VOLATILE}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


def record(racesim, out):
    os.makedirs(out, exist_ok=True)
    p = subprocess.run([racesim, "api"], capture_output=True, text=True, cwd=ROOT)
    with open(os.path.join(out, "api.txt"), "w") as f:
        f.write("exit %d\n%s%s" % (p.returncode, p.stdout, p.stderr))
    n = 0
    for script in scenarios():
        for name, args in SETTINGS:
            for jobs in (1, 4):
                cmd = [racesim, "run", script, "--json", "--no-db", "--jobs", str(jobs)] + args
                p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
                try:
                    body = json.dumps(strip(json.loads(p.stdout)), indent=1, sort_keys=True)
                except ValueError:
                    body = p.stdout
                key = "%s.%s.j%d.txt" % (script.replace("/", "_"), name, jobs)
                with open(os.path.join(out, key), "w") as f:
                    f.write("exit %d\n%s\n%s" % (p.returncode, body, p.stderr))
                n += 1
    print("recorded %d outputs in %s" % (n + 1, out))


def diff(a, b):
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    bad = 0
    for name in names:
        pa, pb = os.path.join(a, name), os.path.join(b, name)
        ta = open(pa).read() if os.path.exists(pa) else None
        tb = open(pb).read() if os.path.exists(pb) else None
        if ta != tb:
            bad += 1
            print("differs: %s" % name)
    print("%d of %d outputs differ" % (bad, len(names)))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--diff":
        sys.exit(diff(sys.argv[2], sys.argv[3]))
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    record(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
