#!/usr/bin/env python3
"""--jobs and --shard give one exploration, whatever the split.

Usage: test_parallel.py PATH/TO/racesim

- for random, pct and dfs (whole trees, and trees cut short by --runs),
  --jobs 1, 2 and 3 give the same JSON summary (runs, steps, pruned,
  complete, every finding with its count, first run, message, schedule and
  replay) and the same trace database (runs, findings, lock edges,
  coverage);
- dfs and random shards merged with `racesim merge` find what one unsharded
  exploration finds, with the same counts;
- a dfs shard explores only its subtrees: the shards' runs add up to the
  unsharded count;
- a lock-order cycle whose two orders were taken in different shards
  (orders.lua) is found by the merge, as one unsharded exploration finds it:
  a potential_deadlock finding and bug in the merged database, in the
  merge's summary, with a replay that runs and the directed search's verdict
  (or, with the scenario gone, that it could not be verified);
- the README's GNU parallel recipe, as written there (taken from the
  README; the hosts of its second half are this machine, `-S 4/:`), with
  Debian's `parallel`: the merged database has the runs, findings and
  counts of one unsharded exploration.  Without `parallel` it is skipped,
  unless RACESIM_REQUIRE_PARALLEL=1 or CI is set (.ci/run): then it fails.
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RACESIM = None

# Two locks in opposite orders, a racy counter and a condition wait: every
# kind of merge (findings, lock graph, coverage) has something to do.
MIXED = """scenario{ name = "mixed" }
local a, b = Lock("a"), Lock("b")
local c = shared("counter", 0)
local cv = Condition(nil, "cv")
local ready = shared("ready", false)
spawn("left", function()
  a:acquire(); b:acquire(); c:set(c:get() + 1); b:release(); a:release()
  cv:acquire(); ready:set(true); cv:notify(); cv:release()
end)
spawn("right", function()
  b:acquire(); a:acquire(); a:release(); b:release()
  c:set(c:get() + 1)
end)
spawn("waiter", function()
  cv:acquire()
  if not ready:get() then cv:wait(1.0) end
  cv:release()
end)
"""

# Which order is taken depends on the run: dfs explores one run per choice
# (one thread, nothing to interleave), so two shards split the orders --
# shard 1 only ever takes a then b, shard 2 only b then a.
ORDERS = """scenario{ name = "orders by choice" }
local a, b = Lock("a"), Lock("b")
if choose(2) == 1 then
  spawn("left", function() a:acquire(); b:acquire(); b:release(); a:release() end)
else
  spawn("right", function() b:acquire(); a:acquire(); a:release(); b:release() end)
end
"""

SCENARIOS = {
    "mixed.lua": MIXED,
    "orders.lua": ORDERS,
}


def racesim(*args, timeout=300):
    p = subprocess.run([RACESIM] + list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def summary(obj):
    """What must not depend on --jobs: all but timing and the job count."""
    keep = ("strategy", "runs", "steps", "pruned", "complete", "subtrees", "mode", "base_seed")
    out = {k: obj.get(k) for k in keep}
    out["findings"] = [{k: f.get(k) for k in ("kind", "count", "first_run", "message", "seed",
                                              "steps", "preemptions", "schedule", "replay",
                                              "shrunk")}
                       for f in obj["findings"]]
    return out


def database(path):
    con = sqlite3.connect(path)
    try:
        q = lambda sql: con.execute(sql).fetchall()
        return {
            "runs": q("SELECT idx, seed, schedule, steps, status, vtime, recorded, signatures"
                      " FROM runs ORDER BY idx"),
            "findings": q("SELECT r.idx, f.kind, f.signature, f.message FROM findings f"
                          " JOIN runs r ON r.id = f.run_id ORDER BY r.idx, f.kind, f.signature,"
                          " f.message"),
            "events": q("SELECT r.idx, count(*) FROM events e JOIN runs r ON r.id = e.run_id"
                        " GROUP BY r.idx ORDER BY r.idx"),
            "lock_edges": q("SELECT from_lock, to_lock, thread, line, from_line, first_run, count"
                            " FROM lock_edges ORDER BY 1, 2, 3, 4, 5"),
            "coverage": q("SELECT object, kind, item, runs, first_run FROM coverage"
                          " ORDER BY 1, 2, 3"),
            "exploration": q("SELECT runs, steps, complete, pruned, status FROM explorations"),
        }
    finally:
        con.close()


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="racesim-parallel-")
        for name, text in SCENARIOS.items():
            with open(self.path(name), "w") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def script(self, name):
        return self.path(name) if name in SCENARIOS else os.path.join(ROOT, name)

    def explore(self, script, jobs, *extra, db=None):
        args = ["run", self.script(script), "--json", "--jobs", str(jobs), "--seed", "11"]
        args += ["--db", db] if db else ["--no-db"]
        code, out, err = racesim(*(args + list(extra)))
        self.assertIn(code, (0, 1), "%s --jobs %d: %s" % (script, jobs, err))
        return json.loads(out)


class SameForAnyJobs(Base):
    CASES = [
        ("mixed.lua", ["--strategy", "random", "--runs", "400"]),
        ("mixed.lua", ["--strategy", "pct", "--runs", "300"]),
        ("mixed.lua", ["--strategy", "dfs", "--runs", "100000"]),
        ("mixed.lua", ["--strategy", "dfs", "--runs", "150"]),  # a budget: rounds
        # big enough that dfs splits it into subtrees as it goes (576 runs)
        ("scripts/bench/dfs_counter.lua", ["-D", "threads=4", "-D", "locked=0", "--strategy", "dfs",
                                           "--runs", "100000"]),
        ("scripts/classic/philosophers_deadlock.lua", ["--strategy", "dfs", "--runs", "3000"]),
        # takes and gives of counts, which the sleep sets judge by the state;
        # a budget cuts both short
        ("tests/scenarios/por/seed004_semaphore.lua", ["-D", "n=5", "--strategy", "dfs", "--runs",
                                                       "3000"]),
        ("tests/scenarios/por/seed001_queue.lua", ["-D", "pause=0", "--strategy", "dfs", "--runs",
                                                   "500"]),
        ("scripts/classic/bounded_buffer_notify.lua", ["-D", "items=2", "--strategy", "dfs", "--runs", "2000"]),
        ("scripts/classic/bank_transfer_deadlock.lua", ["--strategy", "random", "--runs", "500"]),
    ]

    def test_summary(self):
        for script, extra in self.CASES:
            with self.subTest(script=script, args=" ".join(extra)):
                one = summary(self.explore(script, 1, *extra))
                self.assertTrue(one["runs"] > 0)
                for jobs in (2, 3):
                    self.assertEqual(summary(self.explore(script, jobs, *extra)), one,
                                     "--jobs %d differs from --jobs 1" % jobs)

    def test_database(self):
        for script, extra in self.CASES[:5] + self.CASES[-1:]:
            for record in ("all", "failing:3"):  # failing:K keeps the same first K for any J
                with self.subTest(script=script, args=" ".join(extra), record=record):
                    dbs = []
                    for jobs in (1, 2, 3):
                        db = self.path("j%d.db" % jobs)
                        self.explore(script, jobs, "--record", record, *extra, db=db)
                        dbs.append(database(db))
                        os.remove(db)
                    self.assertTrue(dbs[0]["runs"])
                    for other in dbs[1:]:
                        for table in dbs[0]:
                            self.assertEqual(other[table], dbs[0][table], table)

    def test_threads_refused(self):
        # a container's process limit: every pthread_create fails; the
        # exploration goes on with the main thread, says so, and finds the same
        lib = os.environ.get("RACESIM_REFUSE_THREADS")
        if not lib:
            self.skipTest("RACESIM_REFUSE_THREADS is not set (ctest sets it)")
        env = dict(os.environ, LD_PRELOAD=lib,
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
        for script, extra in (self.CASES[0], self.CASES[2], self.CASES[-1]):
            with self.subTest(script=script, args=" ".join(extra)):
                one = summary(self.explore(script, 1, *extra))
                args = [RACESIM, "run", self.script(script), "--json", "--jobs", "3", "--seed",
                        "11", "--no-db"] + extra
                p = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
                self.assertIn(p.returncode, (0, 1), p.stderr)
                self.assertIn("cannot start worker thread 1", p.stderr)
                self.assertIn("exploring with 1", p.stderr)
                self.assertEqual(summary(json.loads(p.stdout)), one)

    def test_dfs_counts_are_the_trees(self):
        # a budget large enough: complete, whatever the jobs
        script, extra = self.CASES[4]
        obj = self.explore(script, 2, *extra)
        self.assertTrue(obj["complete"])
        self.assertEqual(obj["runs"], 576)  # (4!)^2, as one search
        self.assertGreater(obj["subtrees"], 1)
        # split as it goes: no run is spent on paths one search would not take
        # (cut at fixed levels, explored in full, it pruned hundreds)
        self.assertEqual(obj["pruned"], 0)
        # run numbers are 0..runs-1, in subtree order
        db = self.path("n.db")
        self.explore(script, 2, *extra, db=db)
        con = sqlite3.connect(db)
        idx = [r[0] for r in con.execute("SELECT idx FROM runs ORDER BY idx")]
        con.close()
        self.assertEqual(idx, list(range(obj["runs"])))


class Shards(Base):
    def distinct(self, db, with_first=True):
        con = sqlite3.connect(db)
        try:
            cols = "kind, signature, runs" + (", first_run" if with_first else "")
            return sorted(con.execute("SELECT %s FROM distinct_findings" % cols).fetchall())
        finally:
            con.close()

    def shard_and_merge(self, script, extra, n):
        dbs, runs = [], 0
        for i in range(1, n + 1):
            db = self.path("s%d.db" % i)
            obj = self.explore(script, 2, "--shard", "%d/%d" % (i, n), *extra, db=db)
            runs += obj["runs"]
            dbs.append((db, obj))
        code, _, err = racesim("merge", self.path("m.db"), *[d for d, _ in dbs])
        self.assertEqual(code, 0, err)
        return dbs, runs

    def test_dfs_shards_merge_like_one(self):
        extra = ["--strategy", "dfs", "--runs", "100000"]
        one = self.explore("mixed.lua", 1, *extra, db=self.path("one.db"))
        self.assertTrue(one["complete"])
        shards, runs = self.shard_and_merge("mixed.lua", extra, 3)
        self.assertEqual(runs, one["runs"])  # disjoint subtrees, all of them
        for _, obj in shards:
            self.assertTrue(obj["complete"])
        # the same findings with the same counts (run numbers differ: a shard
        # numbers its runs subtree << 32 | run)
        self.assertEqual(self.distinct(self.path("m.db"), False),
                         self.distinct(self.path("one.db"), False))
        con = sqlite3.connect(self.path("m.db"))
        self.assertEqual(con.execute("SELECT count(*), sum(runs) FROM explorations").fetchone(),
                         (1, one["runs"]))
        con.close()

    def test_a_dfs_shard_run_as_printed_opens_in_report(self):
        """A dfs shard prints run K of subtree S as "S:K": report --run takes it."""
        db = self.path("s.db")
        code, out, err = racesim("run", self.path("mixed.lua"), "--strategy", "dfs", "--runs",
                                 "100000", "--shard", "2/2", "--db", db)
        self.assertIn(code, (0, 1), err)
        m = re.search(r"\(first: run (\d+):(\d+),", out)
        self.assertTrue(m, out)
        label = "%s:%s" % m.groups()
        code, rep, err = racesim("report", db)
        self.assertEqual(code, 0, err)
        self.assertIn("(first: run %s," % label, rep)  # as the run printed it
        code, one, err = racesim("report", db, "--run", label)
        self.assertEqual(code, 0, err)
        self.assertTrue(one.startswith("run %s of exploration 1 " % label), one)
        idx = int(m.group(1)) << 32 | int(m.group(2))
        code, again, err = racesim("report", db, "--run", str(idx))  # the column's number
        self.assertEqual((code, again), (0, one), err)
        code, _, err = racesim("report", db, "--run", "99999:0")
        self.assertEqual(code, 2)
        self.assertRegex(err, r"has no run 99999:0: it has \d+ runs, indices \d+:\d+ to "
                              r"\d+:\d+ \(a dfs shard: subtree:run\)")
        # the HTML report says the same runs so, never the column's S << 32 | K
        page = self.path("s.html")
        code, _, err = racesim("report", db, "--html", page)
        self.assertEqual(code, 0, err)
        with open(page) as f:
            text = f.read()
        self.assertIn('shown: <span class="run">run %s</span>' % label, text)
        self.assertIn("Run %s, step by step" % label, text)
        self.assertNotIn("run %d" % idx, text)

    def test_random_shards_merge_like_one(self):
        extra = ["--strategy", "random", "--runs", "300"]
        self.explore("mixed.lua", 1, *extra, db=self.path("one.db"))
        self.shard_and_merge("mixed.lua", extra, 3)
        self.assertEqual(self.distinct(self.path("m.db")), self.distinct(self.path("one.db")))

    def test_shards_of_other_plans_are_not_joined(self):
        # 1/2 of 300 runs and 2/2 of 600 merged into one exploration of "450
        # runs"; a shard run with --detectors none joined too (its runs had no
        # findings); 2/3 was dropped as "already in" (a run of the same index)
        first = self.path("a.db")
        self.explore("mixed.lua", 1, "--runs", "300", "--shard", "1/2", db=first)
        cases = {"runs": ["--runs", "600", "--shard", "2/2"],
                 "detectors": ["--runs", "300", "--shard", "2/2", "--detectors", "none"],
                 "shards": ["--runs", "300", "--shard", "2/3"]}
        for name, extra in cases.items():
            with self.subTest(name):
                other = self.path(name + ".db")
                obj = self.explore("mixed.lua", 1, *extra, db=other)
                out = self.path("m_" + name + ".db")
                code, _, err = racesim("merge", out, first, other)
                self.assertEqual(code, 0, err)
                self.assertIn("is not joined to exploration 1", err)
                con = sqlite3.connect(out)
                rows = con.execute("SELECT shard, runs FROM explorations ORDER BY id").fetchall()
                con.close()
                self.assertEqual(rows, [("1/2", 150), (extra[3], obj["runs"])])
        # the same plan still joins, whatever --jobs each shard had
        self.explore("mixed.lua", 2, "--runs", "300", "--shard", "2/2", db=self.path("b.db"))
        code, _, err = racesim("merge", self.path("m.db"), first, self.path("b.db"))
        self.assertEqual(code, 0, err)
        self.assertNotIn("not joined", err)
        con = sqlite3.connect(self.path("m.db"))
        self.assertEqual(con.execute("SELECT shard, runs FROM explorations").fetchall(),
                         [("merged", 300)])
        con.close()

    def test_shards_without_seed_agree_on_one(self):
        # no --seed: the shards derive the same base seed from the script
        seeds, dbs = set(), []
        for i in (1, 2):
            db = self.path("n%d.db" % i)
            code, out, err = racesim("run", self.script("mixed.lua"), "--json", "--runs", "50",
                                     "--shard", "%d/2" % i, "--db", db)
            self.assertIn(code, (0, 1), err)
            seeds.add(json.loads(out)["base_seed"])
            dbs.append(db)
        self.assertEqual(len(seeds), 1)
        code, _, err = racesim("merge", self.path("nm.db"), *dbs)
        self.assertEqual(code, 0, err)
        con = sqlite3.connect(self.path("nm.db"))
        self.assertEqual(con.execute("SELECT count(*), sum(runs) FROM explorations").fetchone(),
                         (1, 50))
        con.close()


class CrossShardCycle(Base):
    EXTRA = ["--strategy", "dfs", "--runs", "1000"]

    def shards(self):
        dbs = []
        for i in (1, 2):
            db = self.path("c%d.db" % i)
            obj = self.explore("orders.lua", 1, "--shard", "%d/2" % i, *self.EXTRA, db=db)
            self.assertEqual(obj["runs"], 1)
            self.assertEqual(obj["findings"], [], "shard %d alone sees no cycle" % i)
            dbs.append(db)
        return dbs

    def facts(self, db):
        con = sqlite3.connect(db)
        try:
            return {
                "findings": con.execute("SELECT kind, signature, runs FROM distinct_findings"
                                        " ORDER BY 1, 2").fetchall(),
                "bugs": con.execute("SELECT kind, signature, runs FROM bugs ORDER BY 1, 2")
                .fetchall(),
                "runs": con.execute("SELECT count(*), sum(status = 'finding') FROM runs")
                .fetchall(),
            }
        finally:
            con.close()

    def test_merge_finds_the_cycle_of_two_shards(self):
        one = self.explore("orders.lua", 1, *self.EXTRA, db=self.path("one.db"))
        self.assertEqual([f["kind"] for f in one["findings"]], ["potential_deadlock"])
        code, out, err = racesim("merge", self.path("m.db"), *self.shards())
        self.assertEqual(code, 0, err)
        self.assertIn("merged 2 databases (2 runs)", out)
        self.assertIn("a lock-order cycle across the shards' runs", out)
        self.assertIn("potential deadlock: lock-order cycle", out)
        self.assertIn("left takes 'b' at orders.lua:4 while holding 'a'", out)
        self.assertIn("right takes 'a' at orders.lua:6 while holding 'b'", out)
        # no run has both threads: the directed search cannot deadlock, and says so
        self.assertIn("not reached in 300 directed runs", out)
        merged = self.facts(self.path("m.db"))
        self.assertEqual(merged, self.facts(self.path("one.db")))
        self.assertEqual(merged["findings"][0][0], "potential_deadlock")
        self.assertEqual(merged["findings"][0][1], one["findings"][0]["signature"])
        # the finding's run is shard 2's (subtree 1, run 0), which completed the cycle
        con = sqlite3.connect(self.path("m.db"))
        idx, replay, note = con.execute(
            "SELECT r.idx, json_extract(f.details, '$.replay'), e.note FROM findings f"
            " JOIN runs r ON r.id = f.run_id JOIN bug_evidence e ON e.signature = f.signature"
            " WHERE f.kind = 'potential_deadlock'").fetchone()
        bug_replay = con.execute("SELECT replay FROM bugs").fetchone()[0]
        con.close()
        self.assertEqual(idx, 1 << 32)
        self.assertEqual(replay, bug_replay)
        self.assertIn("not reached in 300 directed runs", note)
        # the replay runs the run that took b then a
        args = replay.split()
        self.assertEqual(args[:2], ["racesim", "replay"])
        code, out, err = racesim(*(args[1:-2] + ["--no-db"]))
        self.assertEqual(code, 0, err)
        self.assertRegex(out, r"right +acquire +a ")

    def test_without_the_scenario_it_is_not_verified(self):
        dbs = self.shards()
        os.rename(self.path("orders.lua"), self.path("gone.lua"))
        code, out, err = racesim("merge", self.path("m.db"), *dbs)
        self.assertEqual(code, 0, err)
        self.assertIn("potential deadlock: lock-order cycle", out)
        self.assertIn("not verified: the scenario '%s' is not at hand" % self.path("orders.lua"),
                      out)
        self.assertEqual(self.facts(self.path("m.db"))["bugs"][0][0], "potential_deadlock")

    def test_a_cycle_a_shard_found_is_not_found_again(self):
        extra = ["--strategy", "dfs", "--runs", "100000"]
        dbs = []
        for i in (1, 2, 3):
            dbs.append(self.path("x%d.db" % i))
            self.explore("mixed.lua", 1, "--shard", "%d/3" % i, *extra, db=dbs[-1])
        code, out, err = racesim("merge", self.path("m.db"), *dbs)
        self.assertEqual(code, 0, err)
        self.assertNotIn("across the shards", out)
        con = sqlite3.connect(self.path("m.db"))
        n = con.execute("SELECT count(*) FROM findings WHERE kind = 'potential_deadlock'")
        self.assertEqual(n.fetchone()[0], 1)
        con.close()


def readme_recipe():
    """The README's GNU parallel recipe: [(sharded command, merge command)]."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    at = text.index("**GNU parallel**")
    block = re.search(r"```sh\n(.*?)```", text[at:], re.S).group(1)
    commands = [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]
    commands = [re.sub(r"\s+", " ", c) for c in commands]
    pairs = list(zip(commands[::2], commands[1::2]))
    assert len(pairs) == 2 and all(p.startswith("parallel ") and m.startswith("racesim merge ")
                                   for p, m in pairs), commands
    return pairs


def unsharded(command):
    """The one exploration that a recipe's shards split: 'racesim run ...' alone."""
    run = command[command.index("racesim run "):command.index(" ::: ")]
    run = re.sub(r" --shard \{\}/\d+", "", run)
    return re.sub(r" --db shard\{\}\.db", " --db one.db", run)


class GnuParallel(Base):
    """The README's recipe, run with GNU parallel on this machine."""

    def setUp(self):
        super().setUp()
        self.parallel = shutil.which("parallel")
        if not self.parallel:
            if os.environ.get("RACESIM_REQUIRE_PARALLEL") or os.environ.get("CI"):
                self.fail("GNU parallel is not installed (apt-get install parallel; "
                          "scripts/setup-deps.sh --test installs it)")
            self.skipTest("GNU parallel is not installed (apt-get install parallel)")
        # 'racesim' on PATH is the one under test
        os.mkdir(self.path("bin"))
        os.symlink(RACESIM, self.path("bin/racesim"))
        self.env = dict(os.environ, PATH=self.path("bin") + os.pathsep + os.environ["PATH"],
                        HOME=self.dir)  # (parallel keeps its state under ~/.parallel)
        os.mkdir(self.path(".parallel"))
        open(self.path(".parallel/will-cite"), "w").close()

    def shell(self, command, cwd):
        p = subprocess.run(["bash", "-c", command], cwd=cwd, env=self.env, capture_output=True,
                           text=True, timeout=300)
        return p.returncode, p.stdout, p.stderr

    def facts(self, db):
        """What a merge must keep of an exploration: runs, findings, counts, bugs."""
        con = sqlite3.connect(db)
        try:
            q = lambda sql: sorted(con.execute(sql).fetchall())
            return {
                "explorations": q("SELECT count(*), sum(runs), sum(steps), min(complete)"
                                  " FROM explorations"),
                "runs": q("SELECT count(*), sum(steps), sum(status = 'ok') FROM runs"),
                "findings": q("SELECT kind, signature, runs FROM distinct_findings"),
                "bugs": q("SELECT kind, signature, runs FROM bugs"),
            }
        finally:
            con.close()

    def recipe(self, i, runs):
        sharded, merge = readme_recipe()[i]
        sharded = sharded.replace("-S 4/host1,4/host2", "-S 4/:")  # this machine only
        if runs:
            sharded = re.sub(r"--runs \d+", "--runs %d" % runs, sharded)
        work = self.path("recipe%d" % i)
        os.mkdir(work)
        with open(os.path.join(work, "model.lua"), "w") as f:
            f.write(MIXED)
        code, out, err = self.shell(sharded, work)
        # parallel's status: how many jobs failed; a shard with findings exits 1
        shards = int(re.search(r"--shard \{\}/(\d+)", sharded).group(1))
        self.assertLessEqual(code, shards, err)
        self.assertNotIn("racesim: error", out + err)
        for k in range(1, shards + 1):
            self.assertTrue(os.path.exists(os.path.join(work, "shard%d.db" % k)), err)
        code, out, err = self.shell(merge, work)
        self.assertEqual(code, 0, err)
        self.assertIn("merged %d databases" % shards, out)
        code, _, err = self.shell(unsharded(sharded), work)
        self.assertIn(code, (0, 1), err)
        merged = self.facts(os.path.join(work, "model.db"))
        one = self.facts(os.path.join(work, "one.db"))
        self.assertTrue(one["findings"])
        self.assertEqual(merged, one)
        return one

    def test_random_shards_on_local_jobs(self):
        one = self.recipe(0, 4000)  # (the README's 400000 runs, fewer)
        self.assertEqual(one["explorations"][0][:2], (1, 4000))

    def test_dfs_shards_on_this_host(self):
        one = self.recipe(1, None)
        self.assertEqual(one["explorations"][0][3], 1)  # complete


if __name__ == "__main__":
    RACESIM = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
