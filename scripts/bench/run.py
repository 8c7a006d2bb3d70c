#!/usr/bin/env python3
"""racesim benchmarks: run them, print a Markdown report.

Usage: python3 scripts/bench/run.py [--racesim build/racesim] [--floor build/racesim_floor]
                                    [--quick] [--json FILE] [--only SECTIONS]
       python3 scripts/bench/run.py --guard [--update]

What is measured (wall time, one process at a time; run on an idle machine):

- the floor and the figures against it (first): racesim_floor
  (scripts/bench/floor.c, Lua alone) times a bare coroutine resume+yield
  and a bare run of the 2-thread locked counter on a minimal scheduler;
  each figure of issue 13's table is printed next to the floor it is
  measured against, as a ratio: the locked counter with the default
  database, the racy counter with --record failing and none (per run,
  against the bare run), one step of the 2 x 50,000 lock loop with the
  detectors (against resume+yield), the 14,400 runs of dfs over 5 racy
  threads with the database, and what --jobs 2 gains over --jobs 1 on
  those (with the same results);

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

Not a test: nothing here fails on a slow machine.  But --guard (CI runs
it, well under a minute) measures the ratios alone, smaller, and fails when
one is more than 3x worse than its reference in scripts/bench/guard.json
(a ratio, not a time: the floor is measured in the same run, so a slower or
busier machine moves both).  After a change that makes racesim faster (or,
knowingly, slower), refresh the references with

    python3 scripts/bench/run.py --guard --update
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


GUARD_FILE = os.path.join(BENCH, "guard.json")
GUARD_FACTOR = 3.0


class Bench:
    def __init__(self, racesim, quick, floor=None):
        self.racesim = racesim
        self.floor_bin = floor
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

    # -- the floor, and the figures of issue 13 against it -----------------
    def floor(self, seconds):
        p = subprocess.run([self.floor_bin, "--seconds", str(seconds)], capture_output=True,
                           text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("racesim_floor: exit %d: %s" % (p.returncode, p.stderr.strip()))
        return json.loads(p.stdout)

    def run_cpu(self, *args):
        """Run racesim --json; return (its CPU seconds, user + system, and JSON)."""
        with tempfile.TemporaryFile(mode="w+") as out:
            p = subprocess.Popen([self.racesim] + list(args) + ["--json"], stdout=out,
                                 stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode not in (0, 1):
                raise RuntimeError("racesim %s: exit %d" % (" ".join(args), p.returncode))
            out.seek(0)
            return usage.ru_utime + usage.ru_stime, json.loads(out.read())

    def elapsed(self, args, best_of):
        """The best of 'best_of' explorations: (racesim's own elapsed seconds, its
        CPU seconds, JSON); the best by CPU time, which waiting for a core on a
        busy machine does not inflate."""
        best = None
        for _ in range(best_of):
            db = os.path.join(self.tmp, "figure.db")
            for f in (db, db + "-wal", db + "-shm"):
                if os.path.exists(f):
                    os.remove(f)
            a = [x if x != "{db}" else db for x in args]
            cpu, o = self.run_cpu(*a)
            if best is None or cpu < best[1]:
                best = (o["elapsed"], cpu, o)
        return best

    def figures(self, guard=False):
        """Issue 13's table against the floor: {key: figure} and the Markdown."""
        small = guard or self.quick
        rep = 3 if guard else 1
        runs = 20000 if small else 100000
        # the floor before and after racesim's figures, the lower of each: a
        # moment of load on a shared machine must not lower the ratios
        fl = self.floor(0.5 if guard else 1.0)
        f = {}

        def per_run(key, what, args, jobs=(1,)):
            out = {}
            for j in jobs:
                out[j] = self.elapsed(args + ["--seed", "1", "--jobs", str(j)], rep)
            el, cpu, o = out[1]
            f[key] = {"what": what, "runs": o["runs"], "seconds": el, "runs_per_second":
                      o["runs"] / el, "us_per_run": el * 1e6 / o["runs"],
                      "cpu_us_per_run": cpu * 1e6 / o["runs"], "ratio": None,
                      "against": "bare run", "worse": "higher"}
            if 2 in out:
                el2, _, o2 = out[2]
                same = same_result(o, o2)
                f["jobs2_" + key] = {"what": "--jobs 2 / --jobs 1, " + what, "seconds": el2,
                                     "ratio": el / el2, "against": "--jobs 1",
                                     "worse": "lower", "same": same}

        locked = self.script("locked_counter.lua")
        counter = self.script("counter.lua")
        per_run("locked_db", "2-thread locked counter, default database",
                ["run", locked, "--runs", str(runs), "--db", "{db}"], jobs=(1, 2))
        per_run("racy_failing", "2-thread racy counter, --record failing",
                ["run", counter, "--runs", str(runs), "--db", "{db}", "--record", "failing"],
                jobs=(1, 2))
        per_run("racy_none", "2-thread racy counter, --record none",
                ["run", counter, "--runs", str(runs), "--db", "{db}", "--record", "none"])
        el, cpu, o = self.elapsed(["run", self.script("lock_loop.lua"), "-D", "n=50000",
                                   "--runs", "1", "--seed", "1", "--no-db", "--jobs", "1",
                                   "--max-steps", "100000000"], rep)
        f["lock_loop_step"] = {"what": "one step of the 2 x 50,000 lock loop, detectors on",
                               "steps": o["steps"], "seconds": el,
                               "ns_per_step": el * 1e9 / o["steps"],
                               "cpu_ns_per_step": cpu * 1e9 / o["steps"],
                               "steps_per_second": o["steps"] / el, "ratio": None,
                               "against": "resume+yield", "worse": "higher"}
        per_run("dfs_db", "dfs, 5 racy threads, database",
                ["run", self.script("dfs_counter.lua"), "-D", "threads=5", "-D", "locked=0",
                 "--strategy", "dfs", "--runs", "100000000", "--db", "{db}"], jobs=(1, 2))
        after = self.floor(0.5 if guard else 1.0)
        for k in ("bare_run_us", "resume_yield_ns"):
            fl[k] = min(fl[k], after[k])
        bare, pair = fl["bare_run_us"], fl["resume_yield_ns"]
        for x in f.values():  # CPU time against CPU time
            if "us_per_run" in x:
                x["ratio"] = x["cpu_us_per_run"] / bare
            elif "ns_per_step" in x:
                x["ratio"] = x["cpu_ns_per_step"] / pair
        self.results["floor"] = fl
        self.results["figures"] = f

        out = ["Floor (racesim_floor, %s): resume+yield **%.1f ns**, bare run of the 2-thread "
               "locked counter **%.2f µs** (%.0f runs/s).\n" % (fl["lua"], pair, bare,
                                                                1e6 / bare),
               "Ratios are CPU time against CPU time (racesim's user + system time, with "
               "its start; the floor's own thread), so that waiting for a core on a busy "
               "machine moves neither; runs/s and steps/s are wall time (racesim's own "
               "elapsed).\n",
               "| figure | racesim | floor | ratio |", "|---|---:|---:|---:|"]
        for key, x in f.items():
            if key.startswith("jobs2_"):
                continue
            if "us_per_run" in x:
                now = "%.0f runs/s (%d runs in %.2f s); %.2f µs CPU/run" % (
                    x["runs_per_second"], x["runs"], x["seconds"], x["cpu_us_per_run"])
                floor = "%.2f µs (bare run)" % bare
            else:
                now = "%.2f M steps/s (%.0f ns/step); %.0f ns CPU/step" % (
                    x["steps_per_second"] / 1e6, x["ns_per_step"], x["cpu_ns_per_step"])
                floor = "%.1f ns (resume+yield)" % pair
            out.append("| %s | %s | %s | %.1fx |" % (x["what"], now, floor, x["ratio"]))
        for key, x in f.items():
            if key.startswith("jobs2_"):
                out.append("| %s | %.2fx | 1x (ideal 2x) | %.2f%s |" % (
                    x["what"], x["ratio"], x["ratio"], "" if x["same"] else " **results differ**"))
        return f, "## Against the floor (issue 13's figures)\n\n" + "\n".join(out)

    def floor_table(self):
        return self.figures()[1]

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


def same_result(o1, o2):
    """Do two explorations (--jobs 1, --jobs 2) report the same thing?"""
    return all(o1[k] == o2[k] for k in ("runs", "steps", "pruned", "complete")) and \
        [(f["kind"], f["count"], f["first_run"]) for f in o1["findings"]] == \
        [(f["kind"], f["count"], f["first_run"]) for f in o2["findings"]]


def guard(b, update):
    """CI: fail if a ratio is more than GUARD_FACTOR worse than its reference."""
    figures, table = b.figures(guard=True)
    print(table + "\n")
    if update:
        ref = {"note": "reference ratios for run.py --guard; refresh with "
                       "'python3 scripts/bench/run.py --guard --update'",
               "measured": time.strftime("%Y-%m-%d"), "racesim": version(b.racesim),
               "floor": b.results["floor"],
               "ratios": {k: {"ratio": round(x["ratio"], 3), "worse": x["worse"],
                              "what": x["what"]} for k, x in figures.items()}}
        with open(GUARD_FILE, "w") as fh:
            json.dump(ref, fh, indent=1)
            fh.write("\n")
        print("wrote %s" % os.path.relpath(GUARD_FILE, ROOT))
        return 0
    with open(GUARD_FILE) as fh:
        ref = json.load(fh)["ratios"]
    bad = []
    print("| ratio | reference | now | limit | |\n|---|---:|---:|---:|---|")
    for key, r in ref.items():
        x = figures.get(key)
        if x is None:
            bad.append("%s: not measured" % key)
            continue
        higher = r["worse"] == "higher"
        limit = r["ratio"] * GUARD_FACTOR if higher else r["ratio"] / GUARD_FACTOR
        ok = x["ratio"] <= limit if higher else x["ratio"] >= limit
        if not ok:
            bad.append("%s (%s): %.2f against a reference of %.2f (limit %.2f)" % (
                key, r["what"], x["ratio"], r["ratio"], limit))
        if x.get("same") is False:
            bad.append("%s: --jobs 2 reports other results than --jobs 1" % key)
        print("| %s | %.2f | %.2f | %s %.2f | %s |" % (key, r["ratio"], x["ratio"],
                                                   "<=" if higher else ">=", limit,
                                                   "ok" if ok else "**REGRESSED**"))
    if bad:
        print("\nbench guard FAILED (a ratio more than %gx worse than %s):" % (
            GUARD_FACTOR, os.path.relpath(GUARD_FILE, ROOT)))
        for m in bad:
            print("  " + m)
        return 1
    print("\nbench guard passed: every ratio within %gx of its reference" % GUARD_FACTOR)
    return 0


def version(racesim):
    return subprocess.run([racesim, "--version"], capture_output=True,
                          text=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--racesim", default=os.path.join(ROOT, "build", "racesim"))
    ap.add_argument("--floor", help="racesim_floor (default: beside --racesim)")
    ap.add_argument("--guard", action="store_true",
                    help="CI: the ratios only, against scripts/bench/guard.json (under a minute)")
    ap.add_argument("--update", action="store_true",
                    help="with --guard: write the ratios measured as the new references")
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a minute or two)")
    ap.add_argument("--json", help="also write the numbers to this file")
    ap.add_argument("--only", help="comma list: floor,runs,steps,dfs,philosophers,jobs,check")
    a = ap.parse_args()
    racesim = os.path.abspath(a.racesim)
    floor = os.path.abspath(a.floor) if a.floor else os.path.join(os.path.dirname(racesim),
                                                                   "racesim_floor")
    b = Bench(racesim, a.quick, floor)
    if a.update and not a.guard:
        ap.error("--update goes with --guard")
    if a.guard:
        print("# racesim bench guard\n\n%s, %d cores, %s\n" % (
            time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), version(racesim)))
        return guard(b, a.update)
    parts = [("floor", b.floor_table), ("runs", b.runs_per_second), ("steps", b.steps_per_second), ("dfs", b.dfs_counts),
             ("philosophers", b.philosophers), ("jobs", b.jobs), ("check", b.check)]
    only = set(a.only.split(",")) if a.only else None
    print("# racesim benchmarks\n")
    print("%s, %d cores, %s\n" % (time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(),
                                   version(b.racesim)))
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
