#!/usr/bin/env python3
"""State the threads share that racesim cannot see: no false proofs.

A plain Lua local captured by two threads, or a global written by threads,
is shared state whose reads and writes are no operations: dfs would tell no
interleavings of them apart and call itself complete.  These tests check
that racesim warns instead (naming the variable, where it is declared and
the threads), never says `complete`, lists the warning in --json and in
`racesim check`, makes it an error under --strict, and stays quiet about
captured constants and locals only one thread can reach.

Run:  python3 tests/cli/test_hidden.py PATH/TO/racesim [unittest options]
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

RACESIM = None
TIMEOUT = 60

LOCAL = """\
-- a counter in a plain Lua local
local counter = 0

local function worker()
  local v = counter
  yield()
  counter = v + 1
end

spawn("worker1", worker)
spawn("worker2", worker)
finally(function()
  check(counter == 2, "counter is %d", counter)
end)
"""

GLOBAL = """\
total = 0
local function worker()
  local v = total
  yield()
  total = v + 1
end
spawn("worker1", worker)
spawn("worker2", worker)
"""

# a table of plain Lua fields, changed through an object's method
TABLE = """\
local stats = { hits = 0 }
local cache = {}
function cache.touch() stats.hits = stats.hits + 1 end
spawn("a", function() cache.touch(); yield() end)
spawn("b", function() cache.touch(); yield() end)
"""

# captured constants, a Lock made before the threads, per-thread locals,
# and a global only main writes before spawning: nothing to warn about
CLEAN = """\
local config = { n = 2, name = "x" }
local lock = Lock()
local hits = shared("hits", 0)
limit = 3
local function make(id)
  local mine = 0             -- only this thread's closure reaches it
  return function()
    for _ = 1, config.n do
      mine = mine + 1
      lock:with(function() hits:add(1) end)
    end
  end
end
spawn("w1", make(1))
spawn("w2", make(2))
finally(function() check(hits:get() == 4, "hits %d", hits:get()) end)
"""

# an empty table the threads fill: there to be filled, so watched
APPEND = """\
local results = {}
for i = 1, 2 do
  spawn("w" .. i, function()
    yield()
    table.insert(results, i)
  end)
end
finally(function() check(results[1] == 1, "w2 appended first") end)
"""

# a data choice made with math.random: dfs does not try its other values
RANDOM = """\
local x = shared("x", 0)
spawn("t", function()
  if math.random(1, 10) == 3 then x:set(1) end
end)
finally(function() check(x:get() == 0, "x was set") end)
"""


class Hidden(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="racesim-hidden-")

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return name

    def racesim(self, *args):
        return subprocess.run([RACESIM, *args], cwd=self.dir, capture_output=True, text=True,
                              timeout=TIMEOUT)

    def test_shared_local_is_warned_and_dfs_is_not_complete(self):
        self.write("counter_local.lua", LOCAL)
        r = self.racesim("run", "counter_local.lua", "--strategy", "dfs", "--no-db")
        self.assertNotIn("\ncomplete:", "\n" + r.stdout, r.stdout)
        self.assertIn("not complete: the threads share state racesim cannot see", r.stdout)
        self.assertIn("warning: counter, a local at counter_local.lua:2, is written by worker1",
                      r.stdout)
        self.assertIn('racesim cannot see these accesses; use shared("counter", 0)', r.stdout)
        j = json.loads(self.racesim("run", "counter_local.lua", "--strategy", "dfs", "--no-db",
                                    "--json").stdout)
        self.assertFalse(j["complete"])
        self.assertEqual([(w["kind"], w["name"]) for w in j["warnings"]], [("local", "counter")])

    def test_random_names_both_writers(self):
        self.write("counter_local.lua", LOCAL)
        r = self.racesim("run", "counter_local.lua", "--runs", "50", "--seed", "1", "--no-db")
        self.assertIn("warning: counter, a local at counter_local.lua:2, is written by worker1 "
                      "and worker2: racesim cannot see", r.stdout)
        self.assertEqual(r.returncode, 1, r.stdout)  # the failed check is still found

    def test_global_written_by_threads(self):
        self.write("g.lua", GLOBAL)
        r = self.racesim("run", "g.lua", "--strategy", "dfs", "--no-db", "--json")
        j = json.loads(r.stdout)
        self.assertFalse(j["complete"])
        self.assertEqual([(w["kind"], w["name"]) for w in j["warnings"]], [("global", "total")])
        self.assertIn("total, a global, is written by worker1", j["warnings"][0]["message"])
        self.assertIn("(first at g.lua:5)", j["warnings"][0]["message"])

    def test_table_changed_through_a_method(self):
        self.write("t.lua", TABLE)
        r = self.racesim("run", "t.lua", "--strategy", "dfs", "--no-db")
        self.assertIn("warning: stats, a table in a local at t.lua:1, is changed by a", r.stdout)
        self.assertIn('use shared_table("stats")', r.stdout)
        self.assertNotIn("cache,", r.stdout)  # holds functions only: never changed

    def test_table_filled_by_the_threads(self):
        self.write("append.lua", APPEND)
        r = self.racesim("run", "append.lua", "--strategy", "dfs", "--no-db", "--json")
        j = json.loads(r.stdout)
        self.assertFalse(j["complete"], r.stdout)
        self.assertEqual([(w["kind"], w["name"]) for w in j["warnings"]], [("local", "results")])
        self.assertIn("results, a table in a local at append.lua:1, is changed by w1",
                      j["warnings"][0]["message"])
        # a list: a Queue is what the threads append to, visibly (put is atomic,
        # as list.append is in Python)
        self.assertIn('use a Queue for a list the threads add to (results:put(v)), or '
                      'shared_table("results") for its fields', j["warnings"][0]["message"])

    def test_math_random_under_dfs_is_no_proof(self):
        self.write("rnd.lua", RANDOM)
        for seed in ("1", "2", "3"):  # whether or not this seed's number sets x
            r = self.racesim("run", "rnd.lua", "--strategy", "dfs", "--no-db", "--seed", seed)
            self.assertNotIn("\ncomplete:", "\n" + r.stdout, r.stdout)
            self.assertIn("not complete: the scenario draws numbers from math.random (below), "
                          "whose other values were not tried", r.stdout)
            self.assertIn("warning: math.random (first at rnd.lua:3): dfs tried only the "
                          "numbers this seed draws, not every value; use choose(n)", r.stdout)
        j = json.loads(self.racesim("run", "rnd.lua", "--strategy", "dfs", "--no-db",
                                    "--json").stdout)
        self.assertFalse(j["complete"])
        self.assertEqual([w["kind"] for w in j["warnings"]], ["random"])
        r = self.racesim("run", "rnd.lua", "--strategy", "dfs", "--no-db", "--strict")
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("--strict: dfs did not try every value math.random could draw", r.stderr)
        # random runs draw new numbers every run: nothing to say there
        j = json.loads(self.racesim("run", "rnd.lua", "--runs", "100", "--seed", "1",
                                    "--no-db", "--json").stdout)
        self.assertEqual(j["warnings"], [])
        self.assertGreater(j["bugs"], 0)
        self.write("rcheck.lua", 'scenario{ expect = "assertion" }\n' + RANDOM)
        r = self.racesim("check", "rcheck.lua")
        self.assertIn("(dfs not complete: it draws from math.random; random and pct", r.stdout)
        self.assertIn("        warning: math.random (first at rcheck.lua:4)", r.stdout)
        # a stream the program seeds itself: its numbers are the program's
        self.write("seeded.lua", RANDOM.replace('spawn("t", function()',
                                                'spawn("t", function() math.randomseed(7);'))
        j = json.loads(self.racesim("run", "seeded.lua", "--strategy", "dfs", "--no-db",
                                    "--json").stdout)
        self.assertEqual((j["complete"], j["warnings"]), (True, []))
        # the same choice with choose(): every value tried, and the proof holds
        self.write("choose.lua", RANDOM.replace("math.random(1, 10)", "choose(10)")
                   .replace("x:get() == 0", "true"))
        j = json.loads(self.racesim("run", "choose.lua", "--strategy", "dfs", "--no-db",
                                    "--json").stdout)
        self.assertEqual((j["complete"], j["warnings"], j["runs"]), (True, [], 10))

    def test_constants_and_private_locals_are_not_warned(self):
        self.write("clean.lua", CLEAN)
        r = self.racesim("run", "clean.lua", "--strategy", "dfs", "--no-db", "--json")
        j = json.loads(r.stdout)
        self.assertEqual(j["warnings"], [], r.stdout)
        self.assertTrue(j["complete"])
        self.assertEqual(r.returncode, 0)

    def test_strict_is_an_error(self):
        self.write("counter_local.lua", LOCAL)
        r = self.racesim("run", "counter_local.lua", "--strategy", "dfs", "--no-db", "--strict")
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("--strict: the threads share state racesim cannot see", r.stderr)
        self.assertIn("warning: counter", r.stdout)  # what it found is still printed
        r = self.racesim("run", "counter_local.lua", "--no-db",
                         "--runs", "5")
        self.assertNotEqual(r.returncode, 2, r)

    def test_check_shows_the_warning(self):
        self.write("c.lua", 'scenario{ expect = "assertion" }\n' + LOCAL)
        r = self.racesim("check", "c.lua")
        self.assertIn("ok    c.lua: expects [assertion], found [assertion] (dfs not complete: "
                      "state it cannot see", r.stdout)
        self.assertIn("        warning: counter, a local at c.lua:3", r.stdout)

    def test_same_warnings_for_any_jobs(self):
        self.write("counter_local.lua", LOCAL)
        outs = []
        for jobs in ("1", "2"):
            r = self.racesim("run", "counter_local.lua", "--runs", "200", "--seed", "3",
                             "--no-db", "--json", "--jobs", jobs)
            outs.append(json.loads(r.stdout)["warnings"])
        self.assertEqual(outs[0], outs[1])


if __name__ == "__main__":
    RACESIM = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
