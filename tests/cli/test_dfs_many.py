#!/usr/bin/env python3
"""dfs with more threads than a machine word: exact run counts at 100+.

dfs keeps sets of thread ids (enabled, backtrack, done, sleep, source-DPOR's
initials); threads from 64 on must be explored like the others, by the
reduced search, plain search (--no-por) and bounded search
(--preemption-bound K, with the reduction and without).

Run:  python3 tests/cli/test_dfs_many.py PATH/TO/racesim [unittest options]
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

RACESIM = None
TIMEOUT = 300

# 100 threads: all but the last K write a variable of their own; the last K
# (ids 101-K..100, past any 64-bit set) increment one counter under a lock.
# The independent writes commute, so the only inequivalent runs are the K!
# orders of the critical sections.
MANY = """\
local n, k = param("threads", 100), param("locked", 3)
local lock = Lock("lock")
local counter = shared("counter", 0)
local own = {}
for i = 1, n do own[i] = shared("own" .. i, 0) end
for i = 1, n do
  spawn("t" .. i, function()
    if i > n - k then
      lock:acquire()
      counter:set(counter:get() + 1)
      lock:release()
    else
      own[i]:set(i)
    end
  end)
end
finally(function() check(counter:get() == k, "counter is %d", counter:get()) end)
"""

# A chain of 'chain' threads, each starting the next and joining it (only one
# of them can run at a time); the last starts two workers, 'a' and 'b' (ids
# chain + 1 and chain + 2), that each write x, and joins them.  Every choice
# is in the last link, whatever the chain's length: see schedules().
TAIL = """\
local n = param("chain", 98)
local x = shared("x", 0)
local function worker(v) x:set(v) end
local function link(i)
  if i < n then
    spawn("link" .. (i + 1), link, i + 1):join()
  else
    local a, b = spawn("a", worker, 1), spawn("b", worker, 2)
    a:join()
    b:join()
  end
end
spawn("link1", link, 1):join()
"""


def schedules():
    """The preemptions of every schedule of TAIL's last link, counted here
    independently of racesim: the link L spawns a, spawns b, joins a (once a
    has ended), joins b, ends; a and b each start, write, end.  A preemption
    is a switch away from a thread whose next step could run."""
    steps = {"L": ["spawn a", "spawn b", "join a", "join b", "end"],
             "a": ["start", "write", "end"], "b": ["start", "write", "end"]}
    out = []

    def enabled(pc):
        e = []
        for t in ("L", "a", "b"):
            if (t == "a" and pc["L"] < 1) or (t == "b" and pc["L"] < 2) or pc[t] == len(steps[t]):
                continue
            op = steps[t][pc[t]]
            if op.startswith("join") and pc[op[-1]] < len(steps[op[-1]]):
                continue
            e.append(t)
        return e

    def walk(pc, prev, pre):
        e = enabled(pc)
        if not e:
            out.append(pre)
        for t in e:
            walk(dict(pc, **{t: pc[t] + 1}), t, pre + (prev in e and t != prev))

    walk({"L": 0, "a": 0, "b": 0}, "L", 0)
    return out


class DfsManyThreads(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="racesim-dfs-many-")

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w", encoding="utf-8") as f:
            f.write(text)
        return name

    def dfs(self, script, *args):
        r = subprocess.run([RACESIM, "run", script, "--strategy", "dfs", "--runs", "100000",
                            "--no-db", "--json", "--no-shrink", *args],
                           cwd=self.dir, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        res = json.loads(r.stdout)
        self.assertTrue(res["complete"], "%s %s: not complete" % (script, args))
        return res

    def test_reduced_100_threads(self):
        script = self.write("many.lua", MANY)
        for locked, runs in (("3", 6), ("4", 24)):  # k! orders of the critical sections
            for jobs in ("1", "2"):
                res = self.dfs(script, "-D", "locked=" + locked, "--jobs", jobs)
                self.assertEqual(res["runs"], runs, "locked=%s, --jobs %s" % (locked, jobs))
                self.assertEqual(res["findings"], [])

    def test_plain_bounded_and_reduced_past_64(self):
        script = self.write("tail.lua", TAIL)
        pre = schedules()
        self.assertEqual(len(pre), 69)  # (the oracle itself: the link's interleavings)
        for chain in ("2", "98"):  # 5 and 101 threads: the same choices
            for args, want in (([], 2),  # the two orders of the writes
                               (["--no-por"], len(pre)),
                               (["--preemption-bound", "0", "--no-por"], sum(p <= 0 for p in pre)),
                               (["--preemption-bound", "1", "--no-por"], sum(p <= 1 for p in pre)),
                               (["--preemption-bound", "2", "--no-por"], sum(p <= 2 for p in pre))):
                res = self.dfs(script, "-D", "chain=" + chain, *args)
                self.assertEqual(res["runs"], want, "chain=%s %s" % (chain, " ".join(args)))
                kinds = {f["kind"] for f in res["findings"]}
                self.assertEqual(kinds, {"data_race"} if want > 1 else set(), args)
            # within a bound with the reduction: what plain dfs finds within it
            for k in ("0", "1", "2"):
                res = self.dfs(script, "-D", "chain=" + chain, "--preemption-bound", k)
                plain = sum(p <= int(k) for p in pre)
                self.assertLessEqual(res["runs"], 2, (chain, k))  # (the unbounded search's)
                kinds = {f["kind"] for f in res["findings"]}
                self.assertEqual(kinds, {"data_race"} if plain > 1 else set(), (chain, k))


if __name__ == "__main__":
    RACESIM = os.path.abspath(sys.argv.pop(1))
    unittest.main()
