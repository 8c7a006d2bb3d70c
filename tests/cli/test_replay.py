#!/usr/bin/env python3
"""Replays: the preemptions a replay shows, and replays of edited scripts.

Usage: test_replay.py PATH/TO/racesim [unittest options]

- the listing and the --json events mark each step where a thread that
  could have gone on was switched away from, with the threads that could
  run (exact steps of a known schedule of the quickstart);
- a schedule token still replays after the script is edited: a comment and
  a print added reproduce the bug with a warning; an added visible operation
  stops the replay (exit 2) at the step that no longer fits, naming it and
  the thread; a version 1 token (no trail) is still read and followed.
"""
import os
import re
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cli  # noqa: E402
from test_cli import ROOT, RacesimTest  # noqa: E402

QUICKSTART = os.path.join(ROOT, "scripts", "examples", "quickstart_lost_update.lua")

# The quickstart's shrunk schedule as racesim 0.1.0 printed it before tokens
# had a trail (version 1: decisions only), for `run --seed 42 --runs 500`.
V1_TOKEN = "ASRahQuTzfaD1t-BhmGgjQYACAIAAQQCAgMEvx98OQ"

WARNING = "the script differs from the one this schedule was recorded for"


class Replay(RacesimTest):

    def setUp(self):
        super().setUp()
        shutil.copy(QUICKSTART, self.path("q.lua"))

    def edit(self, old, new):
        with open(self.path("q.lua")) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(self.path("q.lua"), "w") as f:
            f.write(text.replace(old, new, 1))

    def token_of_replay(self):
        """The version 2 token of the V1_TOKEN run (the replay's own)."""
        r = self.racesim("replay", "q.lua", "--schedule", V1_TOKEN, "--no-db", "--json")
        self.assertExit(r, 1)
        tok = self.json_of(r)["findings"][0]["schedule"]
        self.assertNotEqual(tok, V1_TOKEN)
        return tok

    # -- preemptions --

    def test_listing_marks_preemptions(self):
        r = self.racesim("replay", "q.lua", "--schedule", V1_TOKEN, "--no-db")
        self.assertExit(r, 1)
        lines = r.out.splitlines()
        marks = [(lines[i - 1].split()[0], lines[i].strip()) for i in range(1, len(lines))
                 if lines[i].lstrip().startswith("^")]
        # step 7: worker1 starts while worker2, which ran step 6, could go on;
        # step 9: worker2 reads between worker1's read and write
        self.assertEqual(marks, [
            ("7", "^ preemption: worker2 could go on; runnable: worker1, worker2"),
            ("9", "^ preemption: worker1 could go on; runnable: worker1, worker2")], r)
        # under the thread column of the step it marks
        i = next(i for i, l in enumerate(lines) if l.lstrip().startswith("^"))
        self.assertEqual(lines[i].index("^"), lines[i - 1].index("worker1"))
        self.assertIn("(first: run 0, 12 steps, 2 preemptions)", r.out)

    def test_json_events_mark_preemptions(self):
        r = self.racesim("replay", "q.lua", "--schedule", V1_TOKEN, "--no-db", "--json")
        self.assertExit(r, 1)
        ev = self.json_of(r)["events"]
        pre = [(e["step"], e["transition"], e["thread"], e["preempted"], e["runnable"])
               for e in ev if "preempted" in e]
        self.assertEqual(pre, [(7, 6, "worker1", "worker2", ["worker1", "worker2"]),
                               (9, 8, "worker2", "worker1", ["worker1", "worker2"])])
        self.assertFalse([e for e in ev if "runnable" in e and "preempted" not in e])

    def test_database_keeps_preemptions(self):
        r = self.racesim("replay", "q.lua", "--schedule", V1_TOKEN, "--db", "t.db")
        self.assertExit(r, 1)
        import sqlite3
        db = sqlite3.connect(self.path("t.db"))
        self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 4)
        rows = db.execute("SELECT step, thread, preempted, runnable FROM events_readable"
                          " WHERE preempted IS NOT NULL ORDER BY step").fetchall()
        self.assertEqual(rows, [(7, "worker1", "worker2", "worker1, worker2"),
                                (9, "worker2", "worker1", "worker1, worker2")])
        self.assertEqual(db.execute("SELECT runnable FROM events WHERE step = 7").fetchone(),
                         ("[1,2]",))
        db.close()
        rep = self.racesim("report", "t.db", "--run", "0")
        self.assertExit(rep, 0)
        listing = [l for l in r.out.splitlines() if "^ preemption" in l]
        self.assertEqual([l for l in rep.out.splitlines() if "^ preemption" in l], listing)
        rj = self.json_of(self.racesim("report", "t.db", "--run", "0", "--json"))
        self.assertEqual([(e["step"], e["preempted"], e["runnable"]) for e in rj["events"]
                          if "preempted" in e],
                         [(7, "worker2", ["worker1", "worker2"]),
                          (9, "worker1", ["worker1", "worker2"])])
        html = self.racesim("report", "t.db", "--html", "t.html")
        self.assertExit(html, 0)
        with open(self.path("t.html")) as f:
            page = f.read()
        self.assertEqual(len(re.findall(r'<tr data-step="\d+" class="[^"]*preempt', page)), 2)
        self.assertIn('title="preemption: worker2 could go on; runnable: worker1, worker2"', page)

    # -- tokens across edits --

    def test_v1_token_unchanged_script(self):
        r = self.racesim("replay", "q.lua", "--schedule", V1_TOKEN, "--no-db")
        self.assertExit(r, 1)
        self.assertNotIn("warning", r.err)
        self.assertIn("lost update on 'counter'", r.out)

    def test_v2_token_replays_the_same_run(self):
        tok = self.token_of_replay()
        a = self.racesim("replay", "q.lua", "--schedule", V1_TOKEN, "--no-db", "--json")
        b = self.racesim("replay", "q.lua", "--schedule", tok, "--no-db", "--json")
        self.assertExit(b, 1)
        self.assertEqual(b.err, "")
        self.assertEqual(self.json_of(a)["events"], self.json_of(b)["events"])
        h1 = self.racesim("replay", "q.lua", "--schedule", V1_TOKEN, "--no-db")
        h2 = self.racesim("replay", "q.lua", "--schedule", tok, "--no-db")
        timeless = lambda out: re.sub(r" in [0-9.]+ s\b", " in T s", out)  # (its wall time)
        self.assertEqual(timeless(h1.out), timeless(h2.out))

    def test_comment_and_print_added(self):
        tok = self.token_of_replay()
        before = self.racesim("replay", "q.lua", "--schedule", tok, "--no-db", "--json")
        self.edit("\nlocal counter = shared", "\n-- a comment, moving every line down\n"
                  "local counter = shared")
        self.edit("\n    local v = counter:get()\n", "\n    print('reading')\n"
                  "    local v = counter:get()\n")
        for t in (tok, V1_TOKEN):
            with self.subTest(token=t):
                r = self.racesim("replay", "q.lua", "--schedule", t, "--no-db")
                self.assertExit(r, 1)
                self.assertIn("lost update on 'counter'", r.out)
                warn = [l for l in r.err.splitlines() if "warning" in l]
                self.assertEqual(len(warn), 1, r)
                self.assertIn(WARNING, warn[0])
                if t == tok:
                    self.assertIn("step by step", warn[0])
                else:  # an older token: no trail to check the steps against
                    self.assertIn("unchecked", warn[0])
        after = self.racesim("replay", "q.lua", "--schedule", tok, "--no-db", "--json")
        ops = lambda r: [(e["transition"], e["thread"], e["op"])  # noqa: E731
                         for e in self.json_of(r)["events"] if e["op"] != "print"]
        self.assertEqual(ops(before), ops(after))

    def test_extra_operation_stops_the_replay(self):
        tok = self.token_of_replay()
        # a read added before each thread's read: the schedule's step 9 is
        # worker2's write, where worker2 now makes its second read
        self.edit("\n    local v = counter:get()\n", "\n    counter:get()\n"
                  "    local v = counter:get()\n")
        r = self.racesim("replay", "q.lua", "--schedule", tok, "--no-db")
        self.assertExit(r, 2)
        self.assertIn(WARNING, r.err)
        self.assertEqual(r.out, "")
        msg = [l for l in r.err.splitlines() if "no longer fits" in l]
        self.assertEqual(msg, [
            "racesim: error: the schedule no longer fits the script at step 9: it expected "
            "worker2 to write 'counter' (q.lua:18); the script now has worker2 read "
            "'counter' at q.lua:18"], r)

    def test_thread_that_cannot_run(self):
        tok = self.token_of_replay()
        self.edit('spawn("worker" .. i', 'spawn("worker" .. i, function() end)\n'
                  '  spawn("helper" .. i')
        r = self.racesim("replay", "q.lua", "--schedule", tok, "--no-db")
        self.assertExit(r, 2)
        self.assertRegex(r.err, r"no longer fits the script at step \d+: it expected ")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print(__doc__)
        sys.exit(2)
    test_cli.RACESIM = os.path.abspath(sys.argv[1])
    sys.argv = sys.argv[:1] + sys.argv[2:]
    unittest.main(verbosity=2)
