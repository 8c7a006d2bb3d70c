#!/usr/bin/env python3
"""Tests of the trace database as an interface, and of the reports.

Usage: test_reports.py PATH/TO/racesim

- every view and canned query (reports/*.sql) against a database made by
  real runs;
- two racesim processes writing one database at the same time;
- racesim report: text, --run, --json; merge of shards;
- the HTML report in headless Chromium (Debian's `chromium`): it renders the
  findings, the timeline and the lock-order graph, and a thread named
  <script>...</script> is shown, not run.  Without Chromium the HTML test is
  skipped, unless RACESIM_REQUIRE_CHROMIUM=1 (CI sets it).
"""
import json
import os
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


def racesim(*args, cwd=None, timeout=120):
    p = subprocess.run([RACESIM] + list(args), capture_output=True, text=True, cwd=cwd,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="racesim-reports-")
        self.db = os.path.join(self.dir, "t.db")
        for name, text in (("racy.lua", RACY), ("locks.lua", LOCKS), ("evil.lua", EVIL)):
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

    def test_canned_queries(self):
        outputs = {}
        for name in sorted(os.listdir(os.path.join(ROOT, "reports"))):
            if not name.endswith(".sql") or name == "schema.sql":
                continue
            with open(os.path.join(ROOT, "reports", name)) as f:
                sql = f.read()
            con = sqlite3.connect(self.db)
            try:
                rows = con.execute(sql, {"run": None}).fetchall()
                cols = [d[0] for d in con.execute(sql, {"run": None}).description]
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
        self.assertIn(("a", "b", "cycle"), {(r[1], r[2], r[-1]) for r in rows})
        cols, rows = outputs["runs_per_outcome.sql"]
        self.assertIn("finding", {r[cols.index("status")] for r in rows})
        cols, rows = outputs["run_interleaving.sql"]
        self.assertIn("op", cols)
        cols, rows = outputs["sync_coverage.sql"]
        self.assertIn("acquisition_order", {r[cols.index("kind")] for r in rows})


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


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


class Html(Base):
    def test_html_report_in_chromium(self):
        chromium = find_chromium()
        if not chromium:
            if os.environ.get("RACESIM_REQUIRE_CHROMIUM"):
                self.fail("chromium is not installed (apt-get install chromium)")
            self.skipTest("chromium is not installed")
        self.run_into_db("evil.lua", "--runs", "50", "--seed", "1")
        self.run_into_db("locks.lua", "--runs", "50", "--seed", "1")
        html = self.path("report.html")
        code, out, err = racesim("report", self.db, "--html", html)
        self.assertEqual(code, 0, err)
        with open(html) as f:
            text = f.read()
        # self-contained: no network, no external assets
        for bad in ("http://", "https://", "src=\"", "<link", "<script"):
            self.assertNotIn(bad, text.replace('xmlns="http://www.w3.org/2000/svg"', ""))
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
        dom = p.stdout
        self.assertIn("racesim report", dom, p.stderr[-500:])
        # the findings, explained, with replay commands
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


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    RACESIM = os.path.abspath(sys.argv[1])
    sys.argv = sys.argv[:1] + sys.argv[2:]
    unittest.main(verbosity=2)
