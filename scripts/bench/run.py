#!/usr/bin/env python3
"""racesim benchmarks: run them, print a Markdown report.

Usage: python3 scripts/bench/run.py [--racesim build/racesim] [--quick] [--json FILE]

What is measured (wall time, one process at a time; run on an idle machine):

- runs/s: random exploration of a two-thread racy counter, without a
  database, with --record none/failing/all (and the database's bytes per
  event), on one thread and on every core;
- steps/s: one long run of a lock loop, a bounded buffer on a Condition and
  a Barrier loop, with the detectors and without;
- dfs: runs for N threads incrementing a counter with and without a lock,
  N = 2..6, against plain dfs over all interleavings (--no-por, cut off
  after a time limit);
- time to the first deadlock of N dining philosophers (N = 3, 5, 8, 10)
  with random, pct and dfs (--stop-first);
- the speed-up of --jobs 2 over --jobs 1 (random and dfs);
- `racesim check scripts/`: every shipped scenario against its expectation.

Not a test: nothing here fails on a slow machine.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "scripts", "bench")


class Bench:
    def __init__(self, racesim, quick):
        self.racesim = racesim
        self.quick = quick
        self.results = {}
        self.tmp = tempfile.mkdtemp(prefix="racesim-bench-")

    def run(self, *args, timeout=None):
        """Run racesim --json; return (wall seconds, parsed JSON)."""
        t0 = time.monotonic()
        p = subprocess.run([self.racesim] + list(args) + ["--json"], capture_output=True,
                           text=True, timeout=timeout)
        wall = time.monotonic() - t0
        if p.returncode not in (0, 1):
            raise RuntimeError("racesim %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                              p.stderr.strip()[:300]))
        return wall, json.loads(p.stdout)

    def script(self, name):
        return os.path.join(BENCH, name)

    # -- runs per second ------------------------------------------------
    def runs_per_second(self):
        n = 50000 if self.quick else 200000
        rows = []
        for jobs in (1, 2):
            wall, o = self.run("run", self.script("counter.lua"), "--runs", str(n), "--seed",
                               "1", "--no-db", "--jobs", str(jobs), "--no-shrink")
            rows.append(("random, no database, --jobs %d" % jobs, o["runs"], wall,
                         o["runs"] / wall, ""))
        m = n // 4
        for record in ("none", "failing", "all"):
            db = os.path.join(self.tmp, "rec-%s.db" % record)
            wall, o = self.run("run", self.script("counter.lua"), "--runs", str(m), "--seed",
                               "1", "--db", db, "--record", record, "--jobs", "1",
                               "--no-shrink")
            con = sqlite3.connect(db)
            events = con.execute("SELECT count(*) FROM events").fetchone()[0]
            con.close()
            size = os.path.getsize(db)
            extra = ""
            if events:
                extra = "%d events, %.0f events/s, %.0f bytes/event" % (
                    events, events / wall, size / events)
            rows.append(("random, --record %s" % record, o["runs"], wall, o["runs"] / wall,
                         extra))
            os.remove(db)
        self.results["runs_per_second"] = rows
        out = ["| exploration | runs | seconds | runs/s | database |", "|---|---:|---:|---:|---|"]
        for name, runs, wall, rate, extra in rows:
            out.append("| %s | %d | %.2f | %.0f | %s |" % (name, runs, wall, rate, extra))
        return "## Runs per second (2 threads, racy counter)\n\n" + "\n".join(out)

    # -- steps per second -----------------------------------------------
    def steps_per_second(self):
        k = 4 if self.quick else 1
        cases = [("lock_loop.lua", "n", 100000 // k, "2 threads x n lock/unlock"),
                 ("bounded_buffer.lua", "n", 20000 // k, "producer/consumer on a Condition"),
                 ("barrier_loop.lua", "n", 10000 // k, "4 threads x n Barrier.wait")]
        out = ["| scenario | steps | detectors | seconds | steps/s |", "|---|---:|---|---:|---:|"]
        rows = []
        for name, param, value, what in cases:
            for dets in ("all", "none"):
                args = ["run", self.script(name), "-D", "%s=%d" % (param, value), "--runs", "3",
                        "--seed", "1", "--no-db", "--jobs", "1", "--max-steps", "100000000",
                        "--no-shrink"]
                if dets == "none":
                    args += ["--detectors", "none"]
                wall, o = self.run(*args)
                rows.append((what, o["steps"], dets, wall, o["steps"] / wall))
                out.append("| %s | %d | %s | %.2f | %.0f |" % rows[-1])
        self.results["steps_per_second"] = rows
        return "## Steps per second (3 runs each)\n\n" + "\n".join(out)

    # -- dfs counts -------------------------------------------------------
    def dfs_counts(self):
        limit = 20 if self.quick else 120
        top = 5 if self.quick else 6
        out = ["| N | lock | dfs runs | pruned | seconds | plain dfs runs | plain seconds |",
               "|---:|---|---:|---:|---:|---:|---:|"]
        rows = []
        for n in range(2, top + 1):
            for locked in (1, 0):
                common = ["run", self.script("dfs_counter.lua"), "-D", "threads=%d" % n, "-D",
                          "locked=%d" % locked, "--strategy", "dfs", "--runs", "100000000",
                          "--seed", "1", "--no-db", "--jobs", "1", "--detectors", "none",
                          "--no-shrink"]
                wall, o = self.run(*common)
                pw, p = self.run(*(common + ["--no-por", "--time-limit", str(limit)]))
                plain = "%d" % p["runs"] if p["complete"] else "> %d (stopped at %d s)" % (
                    p["runs"], limit)
                rows.append((n, locked, o["runs"], o["pruned"], wall, plain, pw))
                out.append("| %d | %s | %d | %d | %.2f | %s | %.1f |" % (
                    n, "yes" if locked else "no", o["runs"], o["pruned"], wall, plain, pw))
        self.results["dfs_counts"] = rows
        return ("## dfs: N threads incrementing one counter\n\n"
                "With a lock the traces are the N! orders of the critical sections; without, "
                "(N!)^2.\n\n" + "\n".join(out))

    # -- philosophers -----------------------------------------------------
    def philosophers(self):
        out = ["| N | strategy | runs to the deadlock | seconds |", "|---:|---|---:|---:|"]
        rows = []
        for n in (3, 5, 8, 10):
            for strategy in ("random", "pct", "dfs"):
                wall, o = self.run("run", self.script("philosophers.lua"), "-D", "n=%d" % n,
                                   "--strategy", strategy, "--runs", "1000000", "--seed", "1",
                                   "--no-db", "--stop-first", "--jobs", "1", "--no-shrink",
                                   "--time-limit", "120", timeout=300)
                found = any(f["kind"] == "deadlock" for f in o["findings"])
                runs = "%d" % o["runs"] if found else "not found in %d" % o["runs"]
                rows.append((n, strategy, runs, wall))
                out.append("| %d | %s | %s | %.3f |" % rows[-1])
        self.results["philosophers"] = rows
        return "## Dining philosophers: time to the first deadlock\n\n" + "\n".join(out)

    # -- jobs -------------------------------------------------------------
    def jobs(self):
        cases = [("random counter", ["run", self.script("counter.lua"), "--runs",
                                     "100000" if self.quick else "400000", "--no-db"]),
                 ("dfs counter, 5 threads, no lock",
                  ["run", self.script("dfs_counter.lua"), "-D", "threads=5", "-D", "locked=0",
                   "--strategy", "dfs", "--runs", "100000000", "--no-db"]),
                 ("dfs bounded buffer (notify)",
                  ["run", os.path.join(ROOT, "scripts", "classic", "bounded_buffer_notify.lua"),
                   "-D", "items=2", "--strategy", "dfs", "--runs", "60000" if self.quick else "300000",
                   "--no-db"])]
        out = ["| exploration | runs | --jobs 1 s | --jobs 2 s | speed-up | same result |",
               "|---|---:|---:|---:|---:|---|"]
        rows = []
        for name, args in cases:
            w1, o1 = self.run(*(args + ["--seed", "1", "--jobs", "1", "--no-shrink"]))
            w2, o2 = self.run(*(args + ["--seed", "1", "--jobs", "2", "--no-shrink"]))
            same = all(o1[k] == o2[k] for k in ("runs", "steps", "pruned", "complete")) and \
                [(f["kind"], f["count"], f["first_run"]) for f in o1["findings"]] == \
                [(f["kind"], f["count"], f["first_run"]) for f in o2["findings"]]
            rows.append((name, o1["runs"], w1, w2, w1 / w2, same))
            out.append("| %s | %d | %.2f | %.2f | %.2f | %s |" % (
                name, o1["runs"], w1, w2, w1 / w2, "yes" if same else "NO"))
        self.results["jobs"] = rows
        return "## --jobs 2 against --jobs 1\n\n" + "\n".join(out)

    # -- racesim check ----------------------------------------------------
    def check(self):
        t0 = time.monotonic()
        p = subprocess.run([self.racesim, "check", os.path.join(ROOT, "scripts")],
                           capture_output=True, text=True)
        wall = time.monotonic() - t0
        last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr.strip()
        self.results["check"] = (wall, last)
        return "## racesim check scripts/\n\n%s in %.1f s (exit %d)" % (last, wall, p.returncode)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--racesim", default=os.path.join(ROOT, "build", "racesim"))
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a minute or two)")
    ap.add_argument("--json", help="also write the numbers to this file")
    ap.add_argument("--only", help="comma list: runs,steps,dfs,philosophers,jobs,check")
    a = ap.parse_args()
    b = Bench(os.path.abspath(a.racesim), a.quick)
    parts = [("runs", b.runs_per_second), ("steps", b.steps_per_second), ("dfs", b.dfs_counts),
             ("philosophers", b.philosophers), ("jobs", b.jobs), ("check", b.check)]
    only = set(a.only.split(",")) if a.only else None
    print("# racesim benchmarks\n")
    print("%s, %d cores, %s\n" % (time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(),
                                   subprocess.run([b.racesim, "--version"], capture_output=True,
                                                  text=True).stdout.strip()))
    for key, fn in parts:
        if only and key not in only:
            continue
        print(fn() + "\n", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(b.results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
