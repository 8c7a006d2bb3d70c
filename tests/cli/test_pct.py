#!/usr/bin/env python3
"""PCT and spin-wait loops.

A thread that gives way (yields, sleeps, or waits with a timeout) drops below
every other thread, as in SCTBench's PCT: a spin-wait loop whose thread has
the highest priority lets the thread it waits for run, instead of spinning
to the step limit.  The probability bound says when it does not apply.

Run:  python3 tests/cli/test_pct.py PATH/TO/racesim [unittest options]
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

RACESIM = None
TIMEOUT = 120

# the waiter polls 'flag', giving way between polls (POLL), until the
# setter has published 'data'
SPIN = """\
local flag = shared("flag", false, {atomic = true})
local data = shared("data", 0, {atomic = true})
spawn("waiter", function()
  while not flag:get() do POLL end
  check(data:get() == 42, "data is %d", data:get())
end)
spawn("setter", function()
  data:set(42)
  flag:set(true)
end)
"""

# no thread ever gives way
PLAIN = """\
local x = shared("x", 0, {atomic = true})
spawn("a", function() x:set(1) end)
spawn("b", function() x:set(2) end)
"""


class PctSpin(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="racesim-pct-")

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w", encoding="utf-8") as f:
            f.write(text)
        return name

    def run_json(self, *args):
        r = subprocess.run([RACESIM, "run", *args, "--no-db", "--json", "--no-shrink"],
                           cwd=self.dir, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return json.loads(r.stdout)

    def test_spin_never_hits_the_step_limit(self):
        for poll in ("yield()", "sleep(0)"):
            script = self.write("spin.lua", SPIN.replace("POLL", poll))
            for depth in ("1", "2", "3"):
                res = self.run_json(script, "--strategy", "pct", "--depth", depth, "--runs", "400",
                                    "--seed", "5", "--max-steps", "2000")
                kinds = [f["kind"] for f in res["findings"]]
                self.assertEqual(kinds, [], "%s, depth %s: %s" % (poll, depth, kinds))
                self.assertEqual(res["runs"], 400)
                # the waiter spun in some runs (it started highest) and gave way
                self.assertGreater(res["pct"]["gave_way_runs"], 0)
                self.assertFalse(res["pct"]["bound_applies"])
                # at most a few polls: never anywhere near the step limit
                self.assertLess(res["pct"]["longest_run"], 100)

    def test_bound_says_when_it_does_not_apply(self):
        script = self.write("spin.lua", SPIN.replace("POLL", "yield()"))
        r = subprocess.run([RACESIM, "run", script, "--strategy", "pct", "--depth", "2",
                            "--runs", "200", "--seed", "1", "--no-db", "--no-shrink"],
                           cwd=self.dir, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"pct: depth 2, \d+ steps: each run finds a given depth-2 bug "
                                   r"with probability >= 1/\(3 \* \d+\^1\)")
        self.assertRegex(r.stdout, r"pct: the bound is for programs that never give way: in \d+ "
                                   r"of 200 runs a thread yielded, slept or waited with a timeout")
        res = self.run_json(self.write("plain.lua", PLAIN), "--strategy", "pct", "--runs", "200",
                            "--seed", "1")
        self.assertEqual(res["pct"]["gave_way_runs"], 0)
        self.assertTrue(res["pct"]["bound_applies"])
        self.assertEqual(res["pct"]["threads"], 3)

    def test_same_runs_for_any_jobs(self):
        script = self.write("spin.lua", SPIN.replace("POLL", "yield()"))
        out = []
        for jobs in ("1", "2"):
            res = self.run_json(script, "--strategy", "pct", "--depth", "3", "--runs", "300",
                                "--seed", "9", "--jobs", jobs)
            out.append((res["steps"], res["pct"]))
        self.assertEqual(out[0], out[1])


if __name__ == "__main__":
    RACESIM = os.path.abspath(sys.argv.pop(1))
    unittest.main()
