#!/usr/bin/env python3
"""Minimal counterexamples: each bug's schedule has the fewest preemptions.

racesim searches every schedule with 0, 1, 2, ... preemptions for one that
shows the same bug, so the schedule printed is the simplest story of it.
These tests pin the exact counts on known programs, the wording that says
whether the count is proved ("minimal") or only the best found ("shortest
found", when the budget runs out), and that the result is the same for any
--jobs and with --stop-first.

Run:  python3 tests/cli/test_minimal.py PATH/TO/racesim [unittest options]
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

RACESIM = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 120

INC4 = """\
local counter = shared("counter", 0)
for t = 1, 4 do
  spawn("worker" .. t, function()
    for _ = 1, 200 do
      local v = counter:get()
      counter:set(v + 1)
    end
  end)
end
finally(function() check(counter:get() == 800, "counter is %d", counter:get()) end)
"""

# hangs in every run: the consumer waits for a second item nobody puts
HANG = """\
local q = Queue()
spawn("producer", function() q:put(1) end)
spawn("consumer", function() q:get(); q:get() end)
"""


class Minimal(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="racesim-minimal-")

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w", encoding="utf-8") as f:
            f.write(text)
        return name

    def run_json(self, *args):
        r = subprocess.run([RACESIM, "run", *args, "--no-db", "--json"], cwd=self.dir,
                           capture_output=True, text=True, timeout=TIMEOUT)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return json.loads(r.stdout)

    def bug(self, j, kind):
        for f in j["findings"]:
            if f["kind"] == kind:
                return f
        self.fail("no %s in %s" % (kind, [f["kind"] for f in j["findings"]]))

    def preemptions(self, f):
        return f["shrunk"]["preemptions"] if "shrunk" in f else f["preemptions"]

    def test_four_threads_two_hundred_increments_need_one(self):
        self.write("inc4.lua", INC4)
        f = self.bug(self.run_json("inc4.lua", "--runs", "20", "--seed", "1"), "lost_update")
        self.assertGreater(f["preemptions"], 100)  # the random run found
        self.assertEqual(self.preemptions(f), 1)
        self.assertTrue(f["minimal"])
        self.assertEqual(f["preemptions_lower_bound"], 1)
        self.assertRegex(f["shrink"], r"^minimal: 1 preemption, \d+ steps \(from \d+, \d+\)$")

    def test_quickstart_needs_one(self):
        path = os.path.join(ROOT, "scripts", "examples", "quickstart_lost_update.lua")
        f = self.bug(self.run_json(path, "--seed", "5"), "lost_update")
        self.assertEqual(self.preemptions(f), 1)
        self.assertTrue(f["minimal"])
        # the replay shows the bug with that one preemption
        words = f["replay"].split()
        self.assertEqual(words[:2], ["racesim", "replay"])
        r = subprocess.run([RACESIM] + words[1:] + ["--json"], cwd=self.dir, capture_output=True,
                           text=True, timeout=TIMEOUT)
        j = json.loads(r.stdout)
        self.assertEqual(j["findings"][0]["kind"], "lost_update")
        self.assertEqual(j["findings"][0]["preemptions"], 1)

    def test_hang_in_every_run_needs_none(self):
        self.write("hang.lua", HANG)
        f = self.bug(self.run_json("hang.lua", "--runs", "50", "--seed", "2"), "stuck")
        self.assertEqual(self.preemptions(f), 0)
        self.assertTrue(f["minimal"])

    def test_check_then_act_cache_needs_one(self):
        path = os.path.join(ROOT, "scripts", "classic", "lazy_init_race.lua")
        f = self.bug(self.run_json(path, "--seed", "1"), "lost_update")
        self.assertEqual(self.preemptions(f), 1)
        self.assertTrue(f["minimal"])

    def test_not_shrunk_says_why(self):
        self.write("spin.lua", 'spawn("spinner", function() while true do yield() end end)\n')
        j = self.run_json("spin.lua", "--runs", "3", "--max-steps", "50")
        f = self.bug(j, "step_limit")
        self.assertFalse(f["minimal"])
        self.assertIsNone(f["preemptions_lower_bound"])
        self.assertEqual(f["shrink"], "not shrunk: each attempt would run to --max-steps")

    def test_philosophers(self):
        """The deadlock needs one preemption whatever the number of forks:
        philosopher1 takes fork1 and is switched away from; every other one,
        in reverse order, takes its left fork and blocks on its right, so no
        further switch is a preemption.  For 3 and 5 the bounded search
        proves it; for 8 it runs out of budget and says so."""
        path = os.path.join(ROOT, "scripts", "classic", "philosophers_deadlock.lua")
        for n in (3, 5):
            with self.subTest(n=n):
                f = self.bug(self.run_json(path, "-D", "n=%d" % n, "--seed", "3"), "deadlock")
                self.assertEqual(self.preemptions(f), 1)
                self.assertTrue(f["minimal"])
        f = self.bug(self.run_json(path, "-D", "n=8", "--seed", "3", "--runs", "5000",
                                   "--shrink-budget", "500"),
                     "deadlock")
        self.assertFalse(f["minimal"])
        self.assertRegex(f["shrink"], r"^shortest found: \d+ preemptions, \d+ steps "
                                      r"\(search budget ran out; ")

    PHILOSOPHERS = os.path.join(ROOT, "scripts", "classic", "philosophers_deadlock.lua")

    def test_time_limit_covers_the_searches(self):
        # --time-limit 1 with 20 s of shrinking a bug took 3.7 s to 20 s
        import time
        t0 = time.monotonic()
        r = subprocess.run([RACESIM, "run", self.PHILOSOPHERS, "-D", "n=8", "--seed", "1",
                            "--runs", "3000", "--shrink-budget", "1000000,20", "--time-limit",
                            "1", "--no-db"], cwd=self.dir, capture_output=True, text=True,
                           timeout=120)
        self.assertLess(time.monotonic() - t0, 10, r.stdout)
        self.assertIn(r.returncode, (0, 1), r.stderr)

    def test_interrupted_while_shrinking(self):
        # said "interrupted after 3000 runs" (all were explored) and "search
        # time ran out" (the user stopped it)
        import signal
        import sqlite3
        import time
        db = os.path.join(self.dir, "i.db")
        p = subprocess.Popen([RACESIM, "run", self.PHILOSOPHERS, "-D", "n=8", "--seed", "1",
                              "--runs", "3000", "--shrink-budget", "1000000,30", "--db", db],
                             cwd=self.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        runs, t0 = 0, time.monotonic()
        while runs < 3000 and p.poll() is None and time.monotonic() - t0 < 120:
            time.sleep(0.1)  # the runs are committed before the searches begin
            try:
                con = sqlite3.connect(db, timeout=5)
                runs = (con.execute("SELECT runs FROM explorations").fetchone() or (0,))[0]
                con.close()
            except sqlite3.OperationalError:
                pass
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn("explored 3000 runs", out)
        self.assertIn("then shrinking and confirming were interrupted after", out)
        self.assertRegex(out, r"\(search interrupted; (the run found|from \d+, \d+)\)|"
                              r"not shrunk: interrupted")

    def test_same_for_any_jobs_and_stop_first(self):
        self.write("inc4.lua", INC4)
        path = os.path.join(ROOT, "scripts", "examples", "quickstart_lost_update.lua")
        seen = set()
        for extra in ((), ("--jobs", "2"), ("--stop-first",), ("--stop-first", "--jobs", "2")):
            f = self.bug(self.run_json(path, "--seed", "9", *extra), "lost_update")
            seen.add((f.get("shrunk", {}).get("schedule", f["schedule"]), f["shrink"]))
        self.assertEqual(len(seen), 1, seen)

    def test_summary_line_and_not_shrunk(self):
        path = os.path.join(ROOT, "scripts", "examples", "quickstart_lost_update.lua")
        r = subprocess.run([RACESIM, "run", path, "--seed", "5", "--no-db"], cwd=self.dir,
                           capture_output=True, text=True, timeout=TIMEOUT)
        self.assertRegex(r.stdout, r"\n    minimal: 1 preemption, 12 steps \(from \d+, 12\)\n"
                                   r"    replay: ")
        r = subprocess.run([RACESIM, "run", path, "--shrink-budget", "0", "--no-db"],
                           cwd=self.dir, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--shrink-budget needs RUNS or RUNS,SECONDS", r.stderr)


if __name__ == "__main__":
    RACESIM = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
