#!/usr/bin/env python3
"""Determinism under stress.

Usage: determinism.py PATH/TO/racesim

For every scenario in scripts/examples/, scripts/classic/ and
tests/scenarios/: 100 runs with --record all in one process, the same in a
second process: every event of every run must be identical (Lua's string
hashing and the heap's addresses differ between the two processes); then
three of those runs are replayed by their seed, each in its own process, and
must give the recorded event stream again.
"""
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def events(db):
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT r.idx, e.step, e.thread, e.op, e.object, e.value, e.vtime, e.line,"
                           " e.flags FROM events e JOIN runs r ON r.id = e.run_id"
                           " ORDER BY r.idx, e.step").fetchall()
        runs = con.execute("SELECT idx, seed, schedule, steps, status FROM runs ORDER BY idx").fetchall()
        return rows, runs
    finally:
        con.close()


def main():
    racesim = os.path.abspath(sys.argv[1])
    scripts = []
    for d in ("scripts/examples", "scripts/classic", "tests/scenarios"):
        full = os.path.join(ROOT, d)
        if os.path.isdir(full):
            scripts += [os.path.join(full, f) for f in sorted(os.listdir(full)) if f.endswith(".lua")]
    bad = 0
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        for script in scripts:
            name = os.path.relpath(script, ROOT)
            dbs = []
            for k in (1, 2):
                db = os.path.join(tmp, "%d.db" % k)
                if os.path.exists(db):
                    os.remove(db)
                p = subprocess.run([racesim, "run", script, "--runs", "100", "--seed", "11",
                                    "--record", "all", "--db", db, "--quiet", "--no-shrink"],
                                   capture_output=True, text=True, timeout=600)
                if p.returncode not in (0, 1):
                    print("FAIL  %s: exit %d %s" % (name, p.returncode, p.stderr.strip()[:200]))
                    bad += 1
                    break
                dbs.append(db)
            if len(dbs) < 2:
                continue
            (ev1, runs1), (ev2, runs2) = events(dbs[0]), events(dbs[1])
            if ev1 != ev2 or runs1 != runs2:
                print("FAIL  %s: two processes recorded different runs" % name)
                bad += 1
                continue
            for idx, seed, schedule, steps, status in rng.sample(runs1, min(3, len(runs1))):
                p = subprocess.run([racesim, "replay", script, "--seed", seed, "--json", "--no-db"],
                                   capture_output=True, text=True, timeout=120)
                got = [(e["op"], e["thread"]) for e in json.loads(p.stdout)["events"]]
                want = [(r[3], r[2]) for r in ev1 if r[0] == idx]
                con = sqlite3.connect(dbs[0])
                names = dict(con.execute("SELECT t.tid, t.name FROM threads t JOIN runs r ON"
                                         " r.id = t.run_id WHERE r.idx = ?", (idx,)).fetchall())
                con.close()
                want = [(op, names.get(tid)) for op, tid in want]
                if got != want:
                    print("FAIL  %s: run %d replayed by seed %s differs" % (name, idx, seed))
                    bad += 1
                    break
            else:
                print("ok    %s: 100 runs identical in two processes, 3 replays match" % name, flush=True)
    print("%d scenarios, %d failures" % (len(scripts), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
