#!/usr/bin/env python3
"""Our SCTBench suite: which technique finds each program's bug.

The programs of SCTBench (Thomson, Donaldson, Betts, "Concurrency Testing
Using Controlled Schedulers: An Empirical Study", TOPC 2016) that this
directory ports, each explored, at one budget of runs, by

  random       --strategy random
  pct d=1..3   --strategy pct --depth D
  bounded dfs  --strategy dfs --preemption-bound K --no-por for K = 0, 1,
               2, ... (iterative preemption bounding, as the paper ran it:
               each schedule within the bound), the runs of every bound
               counted against the budget
  dfs          --strategy dfs (source-DPOR)

A program's bug is found when a run shows its kind of finding (as a bug or
as evidence of one).  Seeds are fixed: the table is the same on every run.

Usage:
  table.py RACESIM [--runs N] [--only NAME]   the table (Markdown), N runs
                                              per technique (default 100000)
  table.py RACESIM --check                    the suite's test: racesim check
                                              over the directory with small
                                              budgets, and every claim of
                                              PROGRAMS (the technique and the
                                              budget that find each bug)
  table.py RACESIM --claims                   measure the claims: for each
                                              program and technique the
                                              smallest budget of 10, 100,
                                              1000, 10000 runs that finds the
                                              bug (bounded dfs: the bound,
                                              within 20000 runs)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# name in the paper, file, parameters, and the kind its bug shows as
PROGRAMS = [
    ("CS.account_bad", "account_bad.lua", [], "assertion"),
    ("CS.bluetooth_driver_bad", "bluetooth_driver_bad.lua", [], "assertion"),
    ("CS.carter01_bad", "carter01_bad.lua", [], "deadlock"),
    ("CS.circular_buffer_bad", "circular_buffer_bad.lua", [], "assertion"),
    ("CS.deadlock01_bad", "deadlock01_bad.lua", [], "deadlock"),
] + [("CS.din_phil%d_sat" % n, "din_phil_sat.lua", ["n=%d" % n], "deadlock")
     for n in range(2, 8)] + [
    ("CS.fsbench_bad", "fsbench_bad.lua", [], "assertion"),
    ("CS.lazy01_bad", "lazy01_bad.lua", [], "assertion"),
    ("CS.queue_bad", "queue_bad.lua", [], "assertion"),
] + [("CS.reorder_%d_bad" % n, "reorder_bad.lua", ["threads=%d" % n], "assertion")
     for n in (3, 4, 5, 10, 20)] + [
    ("CS.stack_bad", "stack_bad.lua", [], "assertion"),
    ("CS.sync01_bad", "sync01_bad.lua", [], "stuck"),
    ("CS.sync02_bad", "sync02_bad.lua", [], "stuck"),
    ("CS.token_ring_bad", "token_ring_bad.lua", [], "assertion"),
    ("CS.twostage_bad", "twostage_bad.lua", ["writers=1"], "assertion"),
    ("CS.twostage_100_bad", "twostage_bad.lua", ["writers=99"], "assertion"),
    ("CS.wronglock_bad", "wronglock_bad.lua", ["others=7"], "assertion"),
    ("CS.wronglock_3_bad", "wronglock_bad.lua", ["others=3"], "assertion"),
    ("stringbuffer-jdk1.4", "stringbuffer_jdk14.lua", [], "assertion"),
    ("CHESS.WorkStealQueue", "workstealqueue.lua", [], "assertion"),
    ("misc.safestack", "safestack.lua", [], "assertion"),
]

# What --check verifies, as --claims measured it (seed 1): for each program,
# each technique that finds its bug within 10,000 runs and the smallest
# budget of 10, 100, 1000, 10000 that does ("ipb": the bound at which
# bounded dfs finds it within 20,000 runs).  misc.safestack: random, as the
# full table found it.
CLAIMS = {
    "CS.account_bad":          {"random": 10, "pct1": 10, "pct2": 10, "pct3": 10, "dfs": 100, "ipb": 0},
    "CS.bluetooth_driver_bad": {"random": 10, "pct2": 10, "pct3": 100, "dfs": 10, "ipb": 2},
    "CS.carter01_bad":         {"random": 10, "pct2": 10, "pct3": 10, "dfs": 100, "ipb": 1},
    "CS.circular_buffer_bad":  {"random": 100, "pct1": 10, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 1},
    "CS.deadlock01_bad":       {"random": 100, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 1},
    "CS.din_phil2_sat":        {"random": 100, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 1},
    "CS.din_phil3_sat":        {"random": 10, "pct2": 1000, "pct3": 100, "dfs": 100, "ipb": 1},
    "CS.din_phil4_sat":        {"random": 10, "pct2": 1000, "pct3": 100, "dfs": 1000, "ipb": 1},
    "CS.din_phil5_sat":        {"random": 1000, "pct2": 10000, "pct3": 100, "dfs": 10000, "ipb": 1},
    "CS.din_phil6_sat":        {"random": 100, "pct3": 100, "ipb": 1},
    "CS.din_phil7_sat":        {"random": 100},
    "CS.fsbench_bad":          {"random": 10, "pct1": 10, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 0},
    "CS.lazy01_bad":           {"random": 10, "pct1": 10, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 0},
    "CS.queue_bad":            {"random": 10, "pct1": 10, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 1},
    "CS.reorder_3_bad":        {"random": 10, "pct2": 100, "pct3": 100, "dfs": 10, "ipb": 1},
    "CS.reorder_4_bad":        {"random": 100, "pct2": 100, "pct3": 100, "dfs": 1000, "ipb": 1},
    "CS.reorder_5_bad":        {"random": 100, "pct2": 100, "pct3": 100, "dfs": 10000, "ipb": 1},
    "CS.reorder_10_bad":       {"pct2": 1000, "pct3": 100},
    "CS.reorder_20_bad":       {"pct2": 10000, "pct3": 10000},
    "CS.stack_bad":            {"random": 10, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 1},
    "CS.sync01_bad":           {"random": 10, "pct1": 10, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 0},
    "CS.sync02_bad":           {"random": 10, "pct1": 10, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 0},
    "CS.token_ring_bad":       {"random": 10, "pct1": 10, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 0},
    "CS.twostage_bad":         {"random": 100, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 1},
    "CS.twostage_100_bad":     {"pct3": 10000},
    "CS.wronglock_bad":        {"random": 100, "pct2": 100, "pct3": 100, "dfs": 10000},
    "CS.wronglock_3_bad":      {"random": 10, "pct2": 100, "pct3": 100, "dfs": 1000, "ipb": 1},
    "stringbuffer-jdk1.4":     {"random": 100, "pct2": 10, "pct3": 10, "dfs": 10, "ipb": 2},
    "CHESS.WorkStealQueue":    {"random": 100, "pct2": 100, "pct3": 10, "dfs": 10, "ipb": 1},
    "misc.safestack":          {"random": 100000},
}

TECHNIQUES = ["random", "pct1", "pct2", "pct3", "ipb", "dfs"]
HEADS = ["random", "pct d=1", "pct d=2", "pct d=3", "bounded dfs", "dfs"]
MAX_BOUND = 8


def explore(racesim, script, params, args):
    cmd = [racesim, "run", os.path.join(HERE, script), "--json", "--no-db", "--no-shrink",
           "--jobs", "1", "--seed", "1"]
    for p in params:
        cmd += ["-D", p]
    p = subprocess.run(cmd + args, capture_output=True, text=True, timeout=3600)
    if p.returncode not in (0, 1):
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd + args), p.returncode, p.stderr))
    return json.loads(p.stdout)


def shown(res, kind):
    """How many runs showed 'kind' (as a bug or as evidence), 0 if none."""
    n = 0
    for f in res["findings"]:
        for e in [f] + f.get("evidence", []):
            if e["kind"] == kind:
                n = max(n, e["count"])
    return n


def technique(racesim, prog, tech, budget):
    """(found, cell text, runs made) for one technique at a budget."""
    _, script, params, kind = prog
    if tech == "random" or tech.startswith("pct"):
        args = ["--strategy", "random"] if tech == "random" else \
            ["--strategy", "pct", "--depth", tech[3:]]
        res = explore(racesim, script, params, args + ["--runs", str(budget)])
        n = shown(res, kind)
        return n > 0, ("%d" % n if n else "-"), res
    if tech == "dfs":
        res = explore(racesim, script, params, ["--strategy", "dfs", "--runs", str(budget)])
        n = shown(res, kind)
        how = "complete" if res["complete"] else "budget out"
        return n > 0, ("%d of %d (%s)" % (n, res["runs"], how) if n else
                       "- (%d runs, %s)" % (res["runs"], how)), res
    used, last = 0, None
    for k in range(MAX_BOUND + 1):  # ipb: bounds 0, 1, 2, ... within the budget
        res = explore(racesim, script, params,
                      ["--strategy", "dfs", "--preemption-bound", str(k), "--no-por",
                       "--runs", str(budget - used)])
        used += res["runs"]
        if shown(res, kind):
            return True, "bound %d (%d runs)" % (k, used), res
        if not res["complete"] or used >= budget:
            return False, "- (to bound %d, %d runs)" % (k, used), res
        if last is not None and res["runs"] == last:  # no schedule needs more
            return False, "- (every schedule, %d runs)" % used, res
        last = res["runs"]
    return False, "- (to bound %d, %d runs)" % (MAX_BOUND, used), res


def table(racesim, budget, only):
    print("Runs that showed the bug, of %d per technique (random, pct); bounded dfs: the "
          "smallest bound that shows it (runs of every bound so far); dfs: runs that showed "
          "it, of the runs explored.\n" % budget)
    print("| program | threads | " + " | ".join(HEADS) + " |")
    print("|---|---|" + "---|" * len(HEADS))
    found = {t: 0 for t in TECHNIQUES}
    rows = [p for p in PROGRAMS if not only or only in p[0]]
    for prog in rows:
        cells, threads = [], "?"
        for tech in TECHNIQUES:
            ok, cell, res = technique(racesim, prog, tech, budget)
            found[tech] += ok
            cells.append(cell)
            if "pct" in res:
                threads = str(res["pct"]["threads"])
        print("| %s | %s | %s |" % (prog[0], threads, " | ".join(cells)), flush=True)
    print("| **bugs found** | | " + " | ".join("**%d of %d**" % (found[t], len(rows))
                                                for t in TECHNIQUES) + " |")


def claims(racesim):
    for prog in PROGRAMS:
        out = {}
        for tech in ("random", "pct1", "pct2", "pct3", "dfs"):
            for budget in (10, 100, 1000, 10000):
                if technique(racesim, prog, tech, budget)[0]:
                    out[tech] = budget
                    break
        for k in range(MAX_BOUND + 1):
            res = explore(racesim, prog[1], prog[2], ["--strategy", "dfs", "--preemption-bound",
                                                      str(k), "--no-por", "--runs", "20000"])
            if shown(res, prog[3]):
                out["ipb"] = k
            if "ipb" in out or not res["complete"]:
                break
        print("    %-26s %s," % ('"%s":' % prog[0], json.dumps(out)), flush=True)
    return 0


# racesim check's budgets: small, but for the programs that need more runs
CHECK_BUDGET = ["--dfs-runs", "1000", "--runs", "1000", "--time-limit", "20"]
CHECK_MORE = {"safestack.lua": ["--dfs-runs", "1000", "--runs", "100000", "--time-limit", "60"]}


def check(racesim):
    failures = []
    files = sorted(f for f in os.listdir(HERE) if f.endswith(".lua"))
    for group, budget in [([f for f in files if f not in CHECK_MORE], CHECK_BUDGET)] + \
            [([f], b) for f, b in sorted(CHECK_MORE.items())]:
        p = subprocess.run([racesim, "check"] + [os.path.join(HERE, f) for f in group] + budget,
                           capture_output=True, text=True, timeout=1200)
        print(p.stdout, end="", flush=True)
        if p.returncode != 0:
            failures.append("racesim check %s: exit %d %s" % (" ".join(budget), p.returncode,
                                                               p.stderr.strip()))
    for prog in PROGRAMS:
        for tech, budget in CLAIMS.get(prog[0], {}).items():
            if tech == "ipb":
                res = explore(racesim, prog[1], prog[2],
                              ["--strategy", "dfs", "--preemption-bound", str(budget),
                               "--no-por", "--runs", "20000"])
                ok = shown(res, prog[3]) > 0
                what = "bounded dfs, bound %d (%d runs)" % (budget, res["runs"])
            else:
                ok, cell, res = technique(racesim, prog, tech, budget)
                what = "%s, %d runs: %s" % (tech, budget, cell)
            line = "%s  %s: %s %s" % ("ok  " if ok else "FAIL", prog[0], prog[3], what)
            print(line, flush=True)
            if not ok:
                failures.append(line)
    print("%d failures" % len(failures))
    return 1 if failures else 0


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    racesim = os.path.abspath(args.pop(0))
    budget, only = 100000, None
    if "--check" in args:
        return check(racesim)
    if "--claims" in args:
        return claims(racesim)
    if "--runs" in args:
        budget = int(args[args.index("--runs") + 1])
    if "--only" in args:
        only = args[args.index("--only") + 1]
    table(racesim, budget, only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
