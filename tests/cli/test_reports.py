#!/usr/bin/env python3
"""Tests of the trace database as an interface, and of the reports.

Usage: test_reports.py PATH/TO/racesim

- every view and canned query (reports/*.sql) against a database made by
  real runs;
- two racesim processes writing one database at the same time;
- racesim report: text, --run, --json; merge of shards; bugs with their
  evidence (the same objects as `racesim run --json`), and each distinct
  finding on its own for an exploration without rows in `bugs` (schema 1);
- the HTML report in headless Chromium (Debian's `chromium`): it renders the
  bugs, the timeline of the run that shows each with exactly the steps that
  make it highlighted, wait-for graphs, and the lock-order graph with its
  labels inside their boxes (measured in the page: a copy of the report with
  a small script that writes the boxes of the SVG texts into the DOM, read
  back with --dump-dom); a thread named <script>...</script> is shown, not
  run.  Without Chromium the HTML tests are skipped, unless
  RACESIM_REQUIRE_CHROMIUM=1 (CI sets it): then they fail.
"""
import html as htmllib
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

RACY = """scenario{ name = "racy", expect = "lost_update" }
local c = shared("counter", 0)
for i = 1, 2 do spawn("w" .. i, function() c:set(c:get() + 1) end) end
"""

LOCKS = """scenario{ name = "locks", expect = {"deadlock", "potential_deadlock"} }
local a, b = Lock("a"), Lock("b")
spawn("left", function() a:acquire(); b:acquire(); b:release(); a:release() end)
spawn("right", function() b:acquire(); a:acquire(); a:release(); b:release() end)
"""

POTENTIAL = """scenario{ name = "inversion", expect = "potential_deadlock" }
local a, b = Lock("a"), Lock("b")
local go = Event("go")
spawn("t1", function()
  a:acquire(); b:acquire(); b:release(); a:release()
  go:set()
end)
spawn("t2", function()
  go:wait()
  b:acquire(); a:acquire(); a:release(); b:release()
end)
"""

EVIL = """scenario{ name = "escaping", expect = "lost_update" }
local c = shared("<img src=x onerror=alert(1)>", 0)
spawn("<script>document.title='PWNED'</script>", function() c:set(c:get() + 1) end)
spawn("w&2", function() c:set(c:get() + 1) end)
"""


# A lost update through a helper function (its events have call paths), whose
# check in finally fails because of it: one bug, four observations.
LOST = """scenario{ name = "lost", expect = "lost_update" }
local c = shared("counter", 0)
local function bump() c:set(c:get() + 1) end
for i = 1, 2 do spawn("w" .. i, function() bump() end) end
finally(function() check(c:get() == 2, "expected 2, got %d", c:get()) end)
"""

# Two locks in opposite orders, with a step between the two acquires, so that
# a thread's last step is not the acquire of the lock it holds.
DEADLOCK = """scenario{ name = "deadlock", expect = {"deadlock", "potential_deadlock"} }
local acct, ledger = Lock("account_lock"), Lock("ledger_lock_with_a_long_name")
local n = shared("n", 0, { atomic = true })
spawn("left", function()
  acct:acquire(); n:add(1); ledger:acquire(); ledger:release(); acct:release()
end)
spawn("right", function()
  ledger:acquire(); n:add(1); acct:acquire(); acct:release(); ledger:release()
end)
"""

# Markup in the names of a deadlock's locks and threads (the SVGs).
EVIL_DEADLOCK = """scenario{ name = "evil deadlock", expect = {"deadlock", "potential_deadlock"} }
local a, b = Lock("<i>a</i>"), Lock("b&amp;")
spawn("<b>l</b>", function() a:acquire(); b:acquire(); b:release(); a:release() end)
spawn("r\\"'", function() b:acquire(); a:acquire(); a:release(); b:release() end)
"""


def racesim(*args, cwd=None, timeout=120):
    p = subprocess.run([RACESIM] + list(args), capture_output=True, text=True, cwd=cwd,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="racesim-reports-")
        self.db = os.path.join(self.dir, "t.db")
        for name, text in (("racy.lua", RACY), ("locks.lua", LOCKS), ("evil.lua", EVIL),
                           ("lost.lua", LOST), ("deadlock.lua", DEADLOCK),
                           ("evil_deadlock.lua", EVIL_DEADLOCK)):
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def run_into_db(self, script, *extra):
        code, out, err = racesim("run", self.path(script), "--db", self.db, "--quiet", *extra)
        self.assertIn(code, (0, 1), err)

    def query(self, sql, params=()):
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()


class Views(Base):
    def setUp(self):
        super().setUp()
        self.run_into_db("racy.lua", "--runs", "200", "--seed", "1", "--record", "all")
        self.run_into_db("locks.lua", "--runs", "200", "--seed", "1")

    def test_views(self):
        failing = self.query("SELECT run_id, script, kinds FROM failing_runs")
        self.assertTrue(failing)
        self.assertTrue(any("lost_update" in (k or "") for _, _, k in failing))
        distinct = {k: (runs, first) for _, k, _, runs, first, _ in
                    self.query("SELECT * FROM distinct_findings")}
        for kind in ("lost_update", "data_race", "deadlock", "potential_deadlock"):
            self.assertIn(kind, distinct)
        # distinct_findings counts runs, as the summary does
        runs_with_lost = self.query(
            "SELECT count(DISTINCT f.run_id) FROM findings f WHERE f.kind='lost_update'")[0][0]
        self.assertEqual(distinct["lost_update"][0], runs_with_lost)
        rows = self.query("SELECT thread, op, object, value FROM events_readable "
                          "WHERE run_id = (SELECT min(id) FROM runs) ORDER BY step")
        self.assertIn(("MainThread", "new", "counter", "0"), rows)
        self.assertTrue(any(r[0] == "w1" and r[1] == "read" for r in rows))
        cov = self.query("SELECT object, kind, item, runs FROM sync_coverage WHERE object='a'")
        self.assertTrue(any(k == "acquisition_order" for _, k, _, _ in cov))

    def test_lock_order_graph_marks_long_cycles(self):
        # it marked cycles of two locks only: five philosophers' edges showed none
        self.run_into_db(os.path.join(ROOT, "scripts", "classic", "philosophers_deadlock.lua"),
                         "--runs", "20", "--seed", "1")
        with open(os.path.join(ROOT, "reports", "lock_order_graph.sql")) as f:
            sql = f.read()
        marks = {(r[1], r[2]): r[-1] for r in self.query(sql) if r[1].startswith("fork")}
        self.assertEqual(len(marks), 5, marks)
        self.assertEqual(set(marks.values()), {"cycle of 5"}, marks)
        # a's and b's opposite orders (locks.lua), and nothing else, are of two
        self.assertEqual({(r[1], r[2], r[-1]) for r in self.query(sql)
                          if not r[1].startswith("fork")},
                         {("a", "b", "cycle of 2"), ("b", "a", "cycle of 2")})

    def canned(self, name, **params):
        with open(os.path.join(ROOT, "reports", name)) as f:
            sql = f.read()
        con = sqlite3.connect(self.db)
        try:
            args = {"run": None, "exploration": None, "idx": None}
            args.update(params)
            cur = con.execute(sql, args)
            return [d[0] for d in cur.description], cur.fetchall()
        finally:
            con.close()

    def test_run_interleaving_by_run_number(self):
        # the run racesim calls run N (runs.idx), of the latest exploration or of
        # :exploration; runs.id is the row's, in the order rows were written
        (racy, locks), = self.query("SELECT min(id), max(id) FROM explorations")
        for expl in (locks, racy):
            idx, rid = self.query("SELECT idx, id FROM runs WHERE exploration_id = ? AND "
                                  "recorded = 1 ORDER BY idx DESC LIMIT 1", (expl,))[0]
            cols, rows = self.canned("run_interleaving.sql", idx=idx,
                                     exploration=None if expl == locks else expl)
            want = self.query("SELECT count(*) FROM events WHERE run_id = ?", (rid,))[0][0]
            self.assertEqual(len(rows), want)
            self.assertGreater(want, 0)
        # a run number that has no events: nothing, not the first failing run
        self.assertEqual(self.canned("run_interleaving.sql", idx=10 ** 9)[1], [])
        # no run named: the first recorded failing run of the latest exploration,
        # or of :exploration
        for expl, given in ((locks, None), (racy, racy)):
            rid, = self.query("SELECT id FROM runs WHERE exploration_id = ? AND status <> 'ok' "
                              "AND recorded = 1 ORDER BY idx LIMIT 1", (expl,))[0]
            want = self.query("SELECT count(*) FROM events WHERE run_id = ?", (rid,))[0][0]
            self.assertEqual(len(self.canned("run_interleaving.sql", exploration=given)[1]), want)

    def test_lock_contention_waits_a_run_ended_in_are_not_acquires(self):
        # locks.lua deadlocks: its threads' last rows ('blocked') wait for a and
        # b, which they never got; those are waits, not acquisitions
        cols, rows = self.canned("lock_contention.sql")
        got = {r[0]: dict(zip(cols, r)) for r in rows}
        for lock in ("a", "b"):
            acquired, blocked = self.query(
                "SELECT sum(coalesce(flags, '') <> 'blocked'), sum(flags = 'blocked') "
                "FROM events_readable WHERE op = 'acquire' AND object = ?", (lock,))[0]
            self.assertGreater(blocked, 0)
            self.assertEqual(got[lock]["acquires"], acquired)
            self.assertEqual(got[lock]["never_acquired"], blocked)

    def test_canned_queries(self):
        outputs = {}
        for name in sorted(os.listdir(os.path.join(ROOT, "reports"))):
            if not name.endswith(".sql") or name == "schema.sql":
                continue
            with open(os.path.join(ROOT, "reports", name)) as f:
                sql = f.read()
            con = sqlite3.connect(self.db)
            params = {"run": None, "exploration": None, "idx": None}
            try:
                rows = con.execute(sql, params).fetchall()
                cols = [d[0] for d in con.execute(sql, params).description]
            finally:
                con.close()
            self.assertTrue(rows, "%s returned nothing" % name)
            outputs[name] = (cols, rows)
        cols, rows = outputs["top_findings.sql"]
        self.assertIn("kind", cols)
        self.assertIn("lost_update", {r[cols.index("kind")] for r in rows})
        cols, rows = outputs["lock_contention.sql"]
        self.assertEqual({r[0] for r in rows} >= {"a", "b"}, True)
        cols, rows = outputs["lock_order_graph.sql"]
        self.assertIn(("a", "b", "cycle of 2"), {(r[1], r[2], r[-1]) for r in rows})
        cols, rows = outputs["runs_per_outcome.sql"]
        self.assertIn("finding", {r[cols.index("status")] for r in rows})
        cols, rows = outputs["run_interleaving.sql"]
        self.assertIn("op", cols)
        cols, rows = outputs["sync_coverage.sql"]
        self.assertIn("acquisition_order", {r[cols.index("kind")] for r in rows})
        # the latest exploration (locks.lua): one deadlock, its lock-order
        # cycle folded in as evidence, the replay on the headline's row
        cols, rows = outputs["bugs.sql"]
        got = [(r[cols.index("bug")], r[cols.index("bug_kind")], r[cols.index("role")],
                r[cols.index("kind")]) for r in rows]
        self.assertEqual(got, [(1, "deadlock", "headline", "deadlock"),
                               (1, "deadlock", "evidence", "potential_deadlock")])
        self.assertTrue(rows[0][cols.index("replay")].startswith("racesim replay"))
        self.assertEqual(rows[1][cols.index("replay")], "")
        (latest,), = self.query("SELECT max(id) FROM explorations")
        self.assertEqual({r[cols.index("exploration")] for r in rows}, {latest})


class Concurrency(Base):
    def test_two_writers(self):
        procs = [subprocess.Popen([RACESIM, "run", self.path(s), "--db", self.db, "--runs",
                                   "3000", "--seed", str(i), "--quiet", "--record", "all"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i, s in enumerate(("racy.lua", "locks.lua"))]
        for p in procs:
            out, err = p.communicate(timeout=300)
            self.assertIn(p.returncode, (0, 1), err)
        rows = self.query("SELECT status, runs FROM explorations ORDER BY id")
        self.assertEqual([r[0] for r in rows], ["done", "done"])
        self.assertEqual([r[1] for r in rows], [3000, 3000])
        self.assertEqual(self.query("SELECT count(*) FROM runs")[0][0], 6000)
        self.assertEqual(self.query("PRAGMA integrity_check")[0][0], "ok")


class ReportCommand(Base):
    def test_unrecorded_run_is_replayed_as_its_strategy_can(self):
        # a random run without events: its seed replays it; a pct one's seed
        # would replay a random run, and --record none kept no schedule
        self.run_into_db("deadlock.lua", "--runs", "20", "--seed", "1", "--record", "none")
        (ok,), = self.query("SELECT min(idx) FROM runs WHERE status = 'ok'")
        code, out, err = racesim("report", self.db, "--run", str(ok))
        self.assertEqual(code, 0, err)
        self.assertIn("or replay it: racesim replay %s --seed 0x" % self.path("deadlock.lua"), out)
        self.run_into_db("deadlock.lua", "--strategy", "pct", "--runs", "20", "--seed", "1",
                         "--record", "none")
        (ok,), = self.query("SELECT min(idx) FROM runs WHERE status = 'ok' AND "
                            "exploration_id = 2")
        code, out, err = racesim("report", self.db, "--run", str(ok))
        self.assertEqual(code, 0, err)
        self.assertNotIn("--seed", out)
        self.assertIn("its events were not recorded, nor its schedule: --record none keeps the "
                      "schedules of failing runs only", out)

    def test_text_json_run(self):
        self.run_into_db("racy.lua", "--runs", "100", "--seed", "3")
        code, out, err = racesim("report", self.db)
        self.assertEqual(code, 0, err)
        self.assertIn("lost_update", out)
        self.assertIn("replay: racesim replay", out)
        code, out, err = racesim("report", self.db, "--json")
        self.assertEqual(code, 0, err)
        data = json.loads(out)
        finding = [f for f in data["explorations"][0]["findings"] if f["kind"] == "lost_update"][0]
        self.assertTrue(finding["replay"].startswith("racesim replay"))
        idx = self.query("SELECT min(idx) FROM failing_runs")[0][0]  # --run takes runs.idx
        code, out, err = racesim("report", self.db, "--run", str(idx))
        self.assertEqual(code, 0, err)
        self.assertIn("w1", out)
        self.assertIn("lost_update", out)
        code, out, err = racesim("report", self.db, "--run", "999999")
        self.assertEqual(code, 2)
        self.assertIn("no run", err)

    def test_potential_deadlock_run_is_recorded(self):
        # No run deadlocks (the event orders the two threads), so the finding
        # is made at the end, from the lock-order graph; its run was recorded
        # without events (--record failing) and is replayed for them.
        with open(self.path("inversion.lua"), "w") as f:
            f.write(POTENTIAL)
        self.run_into_db("inversion.lua", "--runs", "20", "--seed", "5")
        rows = self.query("SELECT r.id, r.status, r.recorded, f.step, f.details FROM findings f"
                          " JOIN runs r ON r.id = f.run_id WHERE f.kind = 'potential_deadlock'")
        self.assertEqual(len(rows), 1, rows)
        run, status, recorded, step, details = rows[0]
        self.assertEqual((status, recorded), ("finding", 1))
        evs = json.loads(details)["events"]
        self.assertEqual(len(evs), 2, details)
        self.assertEqual(step, evs[-1])
        got = self.query("SELECT e.step, t.name, e.op, o.name, e.line FROM events e"
                         " JOIN threads t ON t.run_id = e.run_id AND t.tid = e.thread"
                         " JOIN objects o ON o.run_id = e.run_id AND o.oid = e.object"
                         " WHERE e.run_id = ? ORDER BY e.step", (run,))
        hit = sorted((t, op, o, line) for seq, t, op, o, line in got if seq in evs)
        self.assertEqual(hit, [("t1", "acquire", "b", 5), ("t2", "acquire", "a", 10)])
        self.assertIn(run, [r for (r,) in self.query("SELECT run_id FROM failing_runs")])
        # with --record all the events are there already: the same run, the
        # same events highlighted, and no other run changed
        os.remove(self.db)
        self.run_into_db("inversion.lua", "--runs", "20", "--seed", "5", "--record", "all")
        again = self.query("SELECT r.status, r.recorded, f.details FROM findings f JOIN runs r"
                           " ON r.id = f.run_id WHERE f.kind = 'potential_deadlock'")
        self.assertEqual(again, [("finding", 1, details)])
        self.assertEqual(self.query("SELECT count(*) FROM runs WHERE recorded = 1")[0][0], 20)
        # shards: each finds it; merged, it is kept once, in the lowest run,
        # and the other shard's run is a passing run again
        dbs = []
        for i in (1, 2):
            db = self.path("p%d.db" % i)
            code, _, err = racesim("run", self.path("inversion.lua"), "--db", db, "--runs", "20",
                                   "--seed", "5", "--shard", "%d/2" % i, "--quiet")
            self.assertEqual(code, 1, err)
            dbs.append(db)
        self.db = dbs[1]  # its runs are 1, 3, 5...: the replay is of run 1
        rows = self.query("SELECT r.idx, r.recorded, f.details FROM findings f JOIN runs r"
                          " ON r.id = f.run_id WHERE f.kind = 'potential_deadlock'")
        self.assertEqual([(i, rec, len(json.loads(d)["events"])) for i, rec, d in rows],
                         [(1, 1, 2)], rows)
        code, _, err = racesim("merge", self.path("pm.db"), *dbs)
        self.assertEqual(code, 0, err)
        self.db = self.path("pm.db")
        self.assertEqual(self.query("SELECT r.idx FROM findings f JOIN runs r ON r.id = f.run_id"
                                    " WHERE f.kind = 'potential_deadlock'"), [(0,)])
        self.assertEqual(self.query("SELECT idx FROM failing_runs"), [(0,)])

    def test_bad_databases(self):
        with open(self.path("text.db"), "w") as f:
            f.write("not a database at all, just some text\n" * 20)
        code, _, err = racesim("report", self.path("text.db"))
        self.assertEqual(code, 2)
        self.assertIn("not a racesim trace database", err)
        code, _, err = racesim("report", self.path("missing.db"))
        self.assertEqual(code, 2)

    def test_merge_shards_like_one(self):
        dbs = []
        for i in (1, 2, 3):
            db = self.path("s%d.db" % i)
            code, _, err = racesim("run", self.path("racy.lua"), "--db", db, "--runs", "60",
                                   "--seed", "9", "--shard", "%d/3" % i, "--quiet")
            self.assertIn(code, (0, 1), err)
            dbs.append(db)
        code, _, err = racesim("run", self.path("racy.lua"), "--db", self.path("one.db"),
                               "--runs", "60", "--seed", "9", "--quiet")
        self.assertIn(code, (0, 1), err)
        code, out, err = racesim("merge", self.path("m.db"), *dbs)
        self.assertEqual(code, 0, err)

        def distinct(db):
            con = sqlite3.connect(db)
            try:
                return sorted(con.execute("SELECT kind, signature, runs, first_run "
                                          "FROM distinct_findings").fetchall())
            finally:
                con.close()

        self.assertEqual(distinct(self.path("m.db")), distinct(self.path("one.db")))
        con = sqlite3.connect(self.path("m.db"))
        self.assertEqual(con.execute("SELECT count(*), sum(runs) FROM explorations").fetchone(),
                         (1, 60))
        con.close()


class ReportBugs(Base):
    """racesim report lists bugs, each with the observations it folds in."""

    def setUp(self):
        super().setUp()
        code, out, err = racesim("run", self.path("lost.lua"), "--db", self.db, "--runs", "100",
                                 "--seed", "3", "--json")
        self.assertEqual(code, 1, err)
        self.run_json = json.loads(out)
        self.distinct = {sig: (kind, runs, first) for kind, sig, runs, first in self.query(
            "SELECT kind, signature, runs, first_run FROM distinct_findings")}

    def test_text_and_json_list_bugs(self):
        # the same bug objects as `racesim run --json` printed
        code, out, err = racesim("report", self.db, "--json")
        self.assertEqual(code, 0, err)
        x, = json.loads(out)["explorations"]
        self.assertEqual((x["bugs"], x["observations"], x["grouped"]),
                         (1, len(self.distinct), True))
        self.assertEqual(x["findings"], self.run_json["findings"])
        bug, = x["findings"]
        self.assertEqual(bug["kind"], "lost_update")
        for key in ("count", "message", "first_run", "seed", "schedule", "replay", "steps",
                    "preemptions", "evidence"):
            self.assertIn(key, bug)
        # every observation folded in, with its own count and first run
        self.assertEqual(len(self.distinct), 4)
        self.assertEqual(sorted(e["signature"] for e in bug["evidence"]), sorted(self.distinct))
        for e in bug["evidence"]:
            self.assertEqual((e["kind"], e["count"], e["first_run"]), self.distinct[e["signature"]])
        self.assertEqual([(e["role"], e["kind"]) for e in bug["evidence"]],
                         [("headline", "lost_update"), ("consequence", "assertion"),
                          ("evidence", "data_race"), ("evidence", "data_race")])
        lost, = [v for v in self.distinct.values() if v[0] == "lost_update"]
        self.assertEqual(bug["count"], lost[1])
        (first,), = self.query("SELECT first_run FROM bugs")
        self.assertEqual(bug["first_run"], first)
        self.assertIn("so the check at lost.lua:5 failed", bug["message"])

        code, out, err = racesim("report", self.db)
        self.assertEqual(code, 0, err)
        self.assertIn("  1 bug (4 observations):\n", out)
        self.assertIn("  [1] lost_update: in %d of 100 runs (first: run %d, "
                      % (bug["count"], first), out)
        self.assertNotIn("[2]", out)
        self.assertIn("so the check at lost.lua:5 failed", out)
        folded = re.findall(r"^        (consequence|evidence) +(\w+) in (\d+) runs? "
                            r"\(first: run (\d+)\): ", out, re.M)
        self.assertEqual(sorted((k, int(n), int(f)) for _, k, n, f in folded),
                         sorted((k, n, f) for k, n, f in self.distinct.values()
                                if k != "lost_update"))
        self.assertEqual([r for r, _, _, _ in folded], ["consequence", "evidence", "evidence"])
        self.assertIn("      replay: %s\n" % bug["replay"], out)

    def test_run_shows_call_paths_and_bugs(self):
        (first,), = self.query("SELECT first_run FROM bugs")
        code, out, err = racesim("report", self.db, "--run", str(first))
        self.assertEqual(code, 0, err)
        paths = [p for (p,) in self.query(
            "SELECT e.path FROM events e JOIN runs r ON r.id = e.run_id WHERE r.idx = ?"
            " AND e.path IS NOT NULL ORDER BY e.step", (first,))]
        self.assertTrue(paths)
        self.assertTrue(all(" <- " in p for p in paths), paths)
        lines = [l for l in out.splitlines() if l.endswith(paths[0])]
        self.assertTrue(lines, out)
        self.assertIn("lost_update, the headline of bug 1:", out)
        self.assertIn("assertion, the consequence of bug 1:", out)
        code, out, err = racesim("report", self.db, "--run", str(first), "--json")
        self.assertEqual(code, 0, err)
        run = json.loads(out)
        self.assertEqual([e["path"] for e in run["events"] if e["path"]], paths)
        self.assertEqual({(f["kind"], f["bug"], f["role"]) for f in run["findings"]},
                         {("lost_update", 1, "headline"), ("assertion", 1, "consequence"),
                          ("data_race", 1, "evidence")})

    def test_exploration_without_bugs_rows(self):
        self.without_bugs_rows()

    def without_bugs_rows(self):
        """Delete the bugs as a database of schema version 1 has none, and
        check the report; its JSON exploration and its text."""
        con = sqlite3.connect(self.db)
        con.execute("DELETE FROM bug_evidence")
        con.execute("DELETE FROM bugs")
        con.commit()
        con.close()
        code, out, err = racesim("report", self.db, "--json")
        self.assertEqual(code, 0, err)
        x, = json.loads(out)["explorations"]
        self.assertEqual((x["bugs"], x["observations"], x["grouped"]), (4, 4, False))
        order = ["lost_update", "assertion", "data_race", "data_race"]  # the order of the report
        self.assertEqual([f["kind"] for f in x["findings"]], order)
        for f in x["findings"]:
            kind, runs, first = self.distinct[f["signature"]]
            self.assertEqual((f["kind"], f["count"], f["first_run"]), (kind, runs, first))
            self.assertEqual([(e["role"], e["signature"], e["count"]) for e in f["evidence"]],
                             [("headline", f["signature"], runs)])
            self.assertTrue(f["replay"].startswith("racesim replay"), f)
            (seed, steps), = self.query("SELECT seed, steps FROM runs WHERE idx = ?", (first,))
            self.assertEqual((f["seed"], f["steps"], f["preemptions"]), (seed, steps, None))
        code, out, err = racesim("report", self.db)
        self.assertEqual(code, 0, err)
        self.assertIn("  4 bugs (4 observations; not grouped", out)
        self.assertEqual(re.findall(r"^  \[(\d)\] (\w+): in", out, re.M),
                         [(str(i + 1), k) for i, k in enumerate(order)])
        self.assertNotIn("folds in", out)
        return x, out

    def test_database_of_schema_version_1(self):
        # what versions 2 to 4 added taken away: the report reads it as it
        # is, each distinct finding a bug of its own, and leaves it as it was.
        # A version 1 database has every failing run's findings: as --record all keeps them.
        os.remove(self.db)
        code, out, err = racesim("run", self.path("lost.lua"), "--db", self.db, "--runs", "100",
                                 "--seed", "3", "--record", "all")
        self.assertEqual(code, 1, err)
        self.distinct = {sig: (kind, runs, first) for kind, sig, runs, first in self.query(
            "SELECT kind, signature, runs, first_run FROM distinct_findings")}
        x, out = self.without_bugs_rows()
        con = sqlite3.connect(self.db)
        con.executescript("""
            DROP VIEW failing_runs; DROP VIEW distinct_findings;
            CREATE VIEW failing_runs AS
              SELECT r.id AS run_id, r.exploration_id, r.idx, r.seed, r.schedule, r.steps,
                     r.status, x.script, x.strategy,
                     (SELECT group_concat(DISTINCT f.kind) FROM findings f
                      WHERE f.run_id = r.id) AS kinds
              FROM runs r JOIN explorations x ON x.id = r.exploration_id
              WHERE r.status <> 'ok';
            CREATE VIEW distinct_findings AS
              SELECT r.exploration_id, f.kind, f.signature, COUNT(DISTINCT f.run_id) AS runs,
                     MIN(r.idx) AS first_run,
                     (SELECT f2.message FROM findings f2 JOIN runs r2 ON r2.id = f2.run_id
                       WHERE f2.signature = f.signature AND r2.exploration_id = r.exploration_id
                       ORDER BY r2.idx LIMIT 1) AS message
              FROM findings f JOIN runs r ON r.id = f.run_id
              GROUP BY r.exploration_id, f.kind, f.signature;
            ALTER TABLE runs DROP COLUMN signatures; ALTER TABLE explorations DROP COLUMN record;
            DROP VIEW findings_by_bug; DROP TABLE bug_evidence; DROP TABLE bugs;
            DROP VIEW events_readable; ALTER TABLE events DROP COLUMN path;
            CREATE VIEW events_readable AS
              SELECT e.run_id, e.step, e.transition, e.vtime, t.name AS thread, e.op,
                     o.name AS object, o.kind AS object_kind, e.value, e.line, e.flags
              FROM events e
              LEFT JOIN threads t ON t.run_id = e.run_id AND t.tid = e.thread
              LEFT JOIN objects o ON o.run_id = e.run_id AND o.oid = e.object;
            UPDATE meta SET value = '1' WHERE key = 'schema';
            PRAGMA user_version = 1;""")
        con.close()
        schema = self.query("SELECT type, name, sql FROM sqlite_master ORDER BY name")
        code, out1, err = racesim("report", self.db)
        self.assertEqual((code, out1), (0, out), err)
        code, out1, err = racesim("report", self.db, "--json")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out1)["explorations"], [x])
        (first,), = self.query("SELECT min(idx) FROM failing_runs")
        code, out1, err = racesim("report", self.db, "--run", str(first), "--json")
        self.assertEqual(code, 0, err)
        run = json.loads(out1)
        self.assertTrue(run["events"])
        self.assertEqual({e["path"] for e in run["events"]}, {None})
        self.assertEqual({(f["bug"], f["role"]) for f in run["findings"]}, {(None, None)})
        code, _, err = racesim("report", self.db, "--html", self.path("v1.html"))
        self.assertEqual(code, 0, err)
        with open(self.path("v1.html")) as f:
            page = f.read()
        self.assertEqual(page.count('<div class="bug"'), 4)
        shown = sum(n for (n,) in self.query(
            "SELECT (SELECT count(*) FROM events e JOIN runs r ON r.id = e.run_id"
            " WHERE r.idx = d.first_run) FROM distinct_findings d"))
        self.assertEqual(page.count('<tr data-step="'), shown)
        self.assertEqual(self.query("PRAGMA user_version"), [(1,)])
        self.assertEqual(self.query("SELECT type, name, sql FROM sqlite_master ORDER BY name"),
                         schema)


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


# Run in a copy of the report (its CSP, which forbids scripts, removed): the
# boxes Chromium laid out, and what each bug shows, written into the DOM as
# JSON for --dump-dom to bring back.
MEASURE = """<script>
(function () {
  function box(e) { var b = e.getBBox(); return [b.x, b.y, b.width, b.height]; }
  function label(g) { return g.querySelector("text:not(.sub)").textContent; }
  var out = {bugs: [], graphs: [], markup: document.querySelectorAll("i, b, img").length};
  document.querySelectorAll("div.bug").forEach(function (bug) {
    var lane = bug.querySelector("table.lane"), heads = [];
    if (lane) lane.querySelectorAll("tr:first-child th").forEach(function (th) {
      heads.push(th.textContent);
    });
    var hits = [];
    bug.querySelectorAll("table.lane tr.hit").forEach(function (tr) {
      var cells = Array.prototype.slice.call(tr.children), col = 0, ev = null;
      cells.forEach(function (td) {  /* (empty lanes are one cell with a colspan) */
        if (!ev && td.classList.contains("ev")) ev = {col: col, td: td};
        col += td.colSpan;
      });
      var i = ev ? ev.col : -1, cell = ev ? ev.td : {textContent: null, title: null};
      hits.push({step: +tr.dataset.step, thread: heads[i], text: cell.textContent,
                 title: cell.title});
    });
    var wf = bug.querySelector("svg.waitfor"), graph = null;
    if (wf) graph = {
      waits: wf.querySelectorAll("g.edge.waits").length,
      held: wf.querySelectorAll("g.edge.held").length,
      cycle: Array.prototype.map.call(wf.querySelectorAll("g.node.cycle"), label),
      nodes: Array.prototype.map.call(wf.querySelectorAll("g.node"), label)};
    var summary = bug.querySelector("summary");
    out.bugs.push({section: bug.closest("section").id, kind: bug.dataset.kind,
                   run: +bug.dataset.run, shown: bug.querySelector("h4 .run").textContent,
                   summary: summary ? summary.textContent : null, hits: hits, waitfor: graph,
                   titles: Array.prototype.map.call(bug.querySelectorAll("td.ev"),
                                                    function (td) { return td.title; }),
                   where: Array.prototype.map.call(bug.querySelectorAll("td.where"),
                                                   function (td) { return td.textContent; })});
  });
  document.querySelectorAll("svg.graph").forEach(function (svg) {
    out.graphs.push({
      cls: svg.getAttribute("class"), section: svg.closest("section").id,
      width: svg.width.baseVal.value, height: svg.height.baseVal.value,
      nodes: Array.prototype.map.call(svg.querySelectorAll("g.node"), function (g) {
        return {label: label(g), rect: box(g.querySelector("rect")),
                texts: Array.prototype.map.call(g.querySelectorAll("text"), box)};
      }),
      labels: Array.prototype.map.call(svg.querySelectorAll("text.elabel"), function (t) {
        return {text: t.textContent, box: box(t)};
      })});
  });
  var pre = document.createElement("pre");
  pre.id = "measure";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def inside(inner, outer, slack=0.5):
    x, y, w, h = inner
    X, Y, W, H = outer
    return x >= X - slack and y >= Y - slack and x + w <= X + W + slack and y + h <= Y + H + slack


def overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


class HtmlFailure(Base):
    """A bug told from an error: the page shows the stuck state it left."""

    def test_stuck_consequence_shows_its_waits(self):
        with open(self.path("holder.lua"), "w") as f:
            f.write('local m = Lock("m")\n'
                    'spawn("holder", function() m:acquire(); error("bad row") end)\n'
                    'spawn("waiter", function() m:acquire(); m:release() end)\n')
        self.run_into_db("holder.lua", "--strategy", "dfs")
        code, _, err = racesim("report", self.db, "--html", self.path("h.html"))
        self.assertEqual(code, 0, err)
        with open(self.path("h.html")) as f:
            page = f.read()
        self.assertEqual(page.count('<div class="bug"'), 1)
        self.assertIn("bad row, so waiter at holder.lua:3 waits to acquire Lock", page)
        # the wait-for graph of the stuck state, and the waiter's blocked row
        # marked as what followed from the error
        self.assertIn("Wait-for graph at the end of that run", page)
        rows = re.findall(r'<tr data-step="\d+" class="([^"]*)"[^>]*>(.*?)</tr>', page)
        self.assertTrue([c for c, row in rows if "conseq" in c and "blocked: acquire m" in row],
                        rows)
        self.assertIn("what followed from it", page)


class HtmlSize(Base):
    """The HTML report was threads x events (a 300 KB database gave a 60 MB
    page): a row is one cell per side of the thread's lane, and a long run
    shows its first steps and those that tell its bug, with a note."""

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return name

    def html(self):
        html = self.path("r.html")
        code, out, err = racesim("report", self.db, "--html", html)
        self.assertEqual(code, 0, err)
        with open(html) as f:
            return f.read()

    def test_many_threads(self):
        self.run_into_db(self.write("many.lua", """
            local c = shared("c", 0)
            for i = 1, 200 do
              spawn(function() for _ = 1, 4 do yield() end c:set(c:get() + 1) end)
            end
            """), "--runs", "3", "--seed", "1")
        (events,), = self.query("SELECT count(*) FROM events")
        page = self.html()
        self.assertGreater(events, 1000)
        self.assertLess(len(page), 400 * events + 200000, "not linear in the events")
        self.assertIn('colspan="', page)

    def test_long_run(self):
        self.run_into_db(self.write("long.lua", """
            local c = shared("c", 0)
            for i = 1, 2 do
              spawn(function()
                for _ = 1, 3000 do yield() end
                local v = c:get()
                c:set(v + 1)
              end)
            end
            finally(function() check(c:get() == 2, "lost: %d", c:get()) end)
            """), "--runs", "30", "--seed", "3")
        page = self.html()
        first, = self.query("SELECT first_run FROM bugs WHERE rank = 1")[0]
        (steps,), = self.query("SELECT count(*) FROM events e JOIN runs r ON r.id = e.run_id"
                               " WHERE r.idx = ?", (first,))
        self.assertGreater(steps, 6000)
        self.assertIn("steps not shown", page)
        self.assertIn("--run %d</code> lists every step" % first, page)
        self.assertIn('class="hit"', page)  # the bug's steps, far past the first ones
        self.assertLess(page.count("<tr data-step="), 3 * 2000 + 100)


class Html(Base):
    def chromium_dom(self, html):
        """The DOM of file 'html' after headless Chromium loaded it."""
        chromium = find_chromium()
        if not chromium:
            if os.environ.get("RACESIM_REQUIRE_CHROMIUM"):
                self.fail("chromium is not installed (apt-get install chromium)")
            self.skipTest("chromium is not installed")
        profile = tempfile.mkdtemp(prefix="racesim-chromium-")
        try:
            p = subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                 "--dump-dom", "file://" + html],
                capture_output=True, text=True, timeout=120)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        self.assertIn("racesim report", p.stdout, p.stderr[-500:])
        return p.stdout

    def report(self, name):
        html = self.path(name)
        code, out, err = racesim("report", self.db, "--html", html)
        self.assertEqual(code, 0, err)
        with open(html) as f:
            return html, f.read()

    def measure(self, html, text):
        """What MEASURE finds in a copy of the report."""
        copy = html + ".measure.html"
        text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
        with open(copy, "w") as f:
            f.write(text.replace("</body>", MEASURE + "</body>"))
        dom = self.chromium_dom(copy)
        m = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
        self.assertTrue(m, "the measuring script did not run: " + dom[-300:])
        return json.loads(htmllib.unescape(m.group(1)))

    def test_html_report_in_chromium(self):
        self.run_into_db("evil.lua", "--runs", "50", "--seed", "1")
        self.run_into_db("locks.lua", "--runs", "50", "--seed", "1")
        html, text = self.report("report.html")
        # self-contained: no network, no external assets
        for bad in ("http://", "https://", "src=\"", "<link", "<script"):
            self.assertNotIn(bad, text.replace('xmlns="http://www.w3.org/2000/svg"', ""))
        dom = self.chromium_dom(html)
        # the bugs, explained, with replay commands
        self.assertIn("lost_update", dom)
        self.assertIn("potential_deadlock", dom)
        self.assertIn("racesim replay", dom)
        # the swimlane timeline: a lane per thread, the involved steps marked
        self.assertIn('class="lane mono"', dom)
        self.assertIn('class="hit"', dom)
        self.assertIn("title=\"evil.lua:", dom)
        # the lock-order graph as inline SVG
        self.assertIn("<svg", dom)
        self.assertIn(">a</text>", dom)
        # scenario names are shown as text, never run
        self.assertIn("&lt;script&gt;document.title='PWNED'&lt;/script&gt;", dom)
        self.assertNotIn("<title>PWNED</title>", dom)
        self.assertIn("<title>racesim report</title>", dom)
        self.assertNotIn("<img src=\"x\"", dom)
        self.assertIn("w&amp;2", dom)

    def rep_run(self, expl, idx):
        (rid,), = self.query("SELECT id FROM runs WHERE exploration_id = ? AND idx = ?",
                             (expl, idx))
        return rid

    def events(self, run):
        """step -> (thread, op, object, flags) of a run."""
        return {step: (t, op, o, flags) for step, t, op, o, flags in self.query(
            "SELECT step, thread, op, object, coalesce(flags, '') FROM events_readable"
            " WHERE run_id = ?", (run,))}

    def test_bugs_in_chromium(self):
        self.run_into_db("lost.lua", "--runs", "100", "--seed", "3")
        self.run_into_db("deadlock.lua", "--runs", "300", "--seed", "1")
        philosophers = os.path.join(ROOT, "scripts", "classic", "philosophers_deadlock.lua")
        code, _, err = racesim("run", philosophers, "--db", self.db, "--quiet", "--runs", "1000",
                               "--seed", "1")
        self.assertEqual(code, 1, err)
        self.run_into_db("evil_deadlock.lua", "--runs", "300", "--seed", "1")
        html, text = self.report("bugs.html")
        got = self.measure(html, text)
        self.assertEqual(got["markup"], 0, "a scenario's name became markup")
        bugs = {}
        for b in got["bugs"]:
            bugs.setdefault(int(b["section"].split("-")[1]), []).append(b)
        self.assertEqual(sorted(bugs), [1, 2, 3, 4])

        # the run each bug shows is the one the text report names (runs.idx)
        code, out, err = racesim("report", self.db)
        self.assertEqual(code, 0, err)
        for part in out.split("exploration ")[1:]:
            expl = int(part.split(":")[0])
            shown = re.findall(r"^  \[\d+\] (\w+): .*?(?:first: run|complete in run) (\d+)",
                               part, re.M)
            self.assertEqual([(b["kind"], b["run"]) for b in bugs[expl]],
                             [(k, int(n)) for k, n in shown])
            for b in bugs[expl]:
                self.assertIn("run %d" % b["run"], b["shown"])
                self.assertTrue(b["summary"].startswith("Run %d, step by step" % b["run"]), b)

        # lost update: exactly the stale read, the write it missed and the
        # write made from it, in the run shown
        lost, = bugs[1]
        self.assertEqual(lost["kind"], "lost_update")
        run = self.rep_run(1, lost["run"])
        (details,), = self.query("SELECT details FROM findings WHERE run_id = ? AND kind ="
                                 " 'lost_update' ORDER BY id LIMIT 1", (run,))
        steps = json.loads(details)["events"]
        self.assertEqual(sorted(h["step"] for h in lost["hits"]), sorted(steps))
        ev = self.events(run)
        (rd, w1, w2) = [ev[s] for s in steps]
        self.assertEqual((rd[1], w1[1], w2[1]), ("read", "write", "write"))
        self.assertEqual((rd[2], w1[2], w2[2]), ("counter", "counter", "counter"))
        self.assertEqual(rd[0], w2[0])
        self.assertNotEqual(w1[0], w2[0])
        self.assertEqual([h["thread"] for h in lost["hits"]], [e[0] for e in (rd, w1, w2)])
        # call paths on the steps: on hover and in the where column
        self.assertTrue(all(" <- " in h["title"] and "bump at lost.lua:3" in h["title"]
                            for h in lost["hits"]), lost["hits"])
        self.assertIn("bump at lost.lua:3 <- lost.lua:4", lost["where"])

        # deadlocks: the wait-for graph, an edge per wait and per hold, the
        # cycle's threads marked; highlighted: where each thread took the
        # lock the other waits for (not its last step, an add)
        def check_deadlock(bug, expl, threads, locks):
            self.assertEqual(bug["kind"], "deadlock")
            run = self.rep_run(expl, bug["run"])
            ev = self.events(run)
            blocked = [e for e in ev.values() if e[3] == "blocked"]
            self.assertEqual(len(blocked), len(threads))
            wf = bug["waitfor"]
            self.assertIsNotNone(wf, bug)
            self.assertEqual((wf["waits"], wf["held"]), (len(blocked), len(blocked)))
            self.assertEqual(sorted(wf["cycle"]), sorted(threads))
            self.assertEqual(sorted(wf["nodes"]), sorted(threads + locks))
            hit = [ev[h["step"]] for h in bug["hits"]]
            self.assertEqual(len(hit), len(threads))
            self.assertTrue(all(op == "acquire" and flags == "" for _, op, _, flags in hit), hit)
            waits = {t: o for t, _, o, _ in blocked}  # thread -> the lock it waits for
            holds = {t: o for t, _, o, _ in hit}      # thread -> the lock it took
            self.assertEqual(sorted(holds.values()), sorted(waits.values()))
            for t in threads:
                self.assertNotEqual(holds[t], waits[t])

        dl, = bugs[2]
        check_deadlock(dl, 2, ["left", "right"], ["account_lock", "ledger_lock_with_a_long_name"])
        ph, = bugs[3]
        check_deadlock(ph, 3, ["philosopher%d" % i for i in range(1, 6)],
                       ["fork%d" % i for i in range(1, 6)])
        evil, = bugs[4]
        check_deadlock(evil, 4, ["<b>l</b>", "r\"'"], ["<i>a</i>", "b&amp;"])

        # every SVG: each node's texts inside its box, edge labels clear of
        # every box and inside the picture
        kinds = {}
        for g in got["graphs"]:
            kinds.setdefault(g["cls"], 0)
            kinds[g["cls"]] += 1
            for n in g["nodes"]:
                for t in n["texts"]:
                    self.assertTrue(inside(t, n["rect"]), (g["section"], g["cls"], n))
            for lab in g["labels"]:
                self.assertTrue(inside(lab["box"], [0, 0, g["width"], g["height"]]), lab)
                for n in g["nodes"]:
                    self.assertFalse(overlap(lab["box"], n["rect"]), (g["cls"], lab, n))
        self.assertEqual(kinds, {"graph waitfor": 3, "graph lockorder": 3})
        orders = [g for g in got["graphs"] if g["cls"] == "graph lockorder"]
        self.assertEqual(sorted(n["label"] for n in orders[0]["nodes"]),
                         ["account_lock", "ledger_lock_with_a_long_name"])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    RACESIM = os.path.abspath(sys.argv[1])
    sys.argv = sys.argv[:1] + sys.argv[2:]
    unittest.main(verbosity=2)
