#!/usr/bin/env python3
"""Bug reports: the observations that explain one bug folded into it.

A detector reports what it sees; one missing lock around `counter += 1`
shows as a lost update, two data races and a failed check.  racesim reports
*bugs*: each `run --json` finding is one bug, with its headline kind, a
message that ends with what followed from it, and its "evidence" (every
observation folded in, the headline's own included, each with a role:
headline, evidence or consequence).  These tests cover the grouping, the
order of the bugs, the JSON, `check`, the database and `merge`, the names
of tracked locations and primitives, call paths, --stop-first and the
replay line as printed.

Run:  python3 tests/cli/test_bugs.py PATH/TO/racesim [unittest options, e.g. -k Order]

Every test works in a fresh temporary directory (the current directory of
every racesim process) and passes --db inside it or --no-db.  Python 3.11
standard library only.  Exit status: 0 when every test passed, 1 otherwise.
"""

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

RACESIM = None  # absolute path of the binary, set from argv[1]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TIMEOUT = 60  # seconds: a hard cap for any one racesim process

ROLES = {"headline", "evidence", "consequence"}

# ---- scenarios (line numbers matter: the tests name them) ----------------

# Two threads increment a counter without a lock; finally checks it.
COUNTER = """\
local counter = shared("counter", 0)
for i = 1, 2 do
  spawn("worker" .. i, function()
    local v = counter:get()
    counter:set(v + 1)
  end)
end
finally(function()
  check(counter:get() == 2, "expected 2, got %d", counter:get())
end)
"""
COUNTER_CHECK = ", so the check at counter.lua:9 failed in MainThread (finally): expected 2, got 1"

# Check-then-act on a cache: both handlers can see the entry missing and
# load it; only the second load breaks the check.
CACHE = """\
local cache = shared_table("cache")
local loads = shared("loads", 0)
local function load(uid)
  loads:add(1)
  return "user" .. uid
end
for i = 1, 2 do
  spawn("handler" .. i, function()
    local uid = 42
    if cache[uid] == nil then
      cache[uid] = load(uid)
    end
  end)
end
finally(function()
  check(loads:get() == 1, "loaded %d times", loads:get())
end)
"""

# A flag written by one thread and read by another, nothing ordering them.
FLAG = """\
local flag = shared("flag", false)
spawn("setter", function()
  flag:set(true)
end)
spawn("reader", function()
  local f = flag:get()
end)
"""

# A check that fails whenever picker takes path 2, races or not; the race on
# x happens only in the runs where 'maybe' takes its path 2.
CHOOSE = """\
local x = shared("x", 0)
spawn("picker", function()
  local c = choose(2)
  check(c == 1, "picked path %d", c)
end)
spawn("writer", function()
  x:set(1)
end)
spawn("maybe", function()
  if choose(2) == 2 then
    local v = x:get()
  end
end)
"""

# The same check, next to a counter that races in every run.
CHOOSE_EVERY_RUN = """\
local counter = shared("counter", 0)
spawn("picker", function()
  local c = choose(2)
  check(c == 1, "picked path %d", c)
end)
for i = 1, 2 do
  spawn("worker" .. i, function()
    local v = counter:get()
    counter:set(v + 1)
  end)
end
"""

# A racy counter, and a thread that touches nothing shared and always raises.
COUNTER_AND_ERROR = """\
local counter = shared("counter", 0)
for i = 1, 2 do
  spawn("worker" .. i, function()
    local v = counter:get()
    counter:set(v + 1)
  end)
end
spawn("broken", function()
  local t = nil
  error({type = "ValueError", message = "bad config"})
end)
finally(function()
  check(counter:get() == 2, "expected 2, got %d", counter:get())
end)
"""

# Two unnamed threads running one function.
SYMMETRIC = """\
local counter = shared("counter", 0)
local function work()
  local v = counter:get()
  counter:set(v + 1)
end
spawn(work)
spawn(work)
finally(function()
  check(counter:get() == 2, "expected 2, got %d", counter:get())
end)
"""

# deposit and withdraw both call adjust(d), which reads then writes.
ACCOUNT = """\
local acct = shared_table("acct")
acct.balance = 100
local function adjust(d)
  local b = acct.balance
  acct.balance = b + d
end
local function deposit() adjust(10) end
local function withdraw() adjust(-10) end
spawn("depositor", deposit)
spawn("withdrawer", withdraw)
finally(function()
  check(acct.balance == 100, "balance %d", acct.balance)
end)
"""

# Three identical workers, two sentinels: one worker waits forever.
POOL = """\
local q = Queue()
local workers = {}
for i = 1, 3 do
  workers[i] = spawn(function()
    while true do
      local x = q:get()
      if x == "stop" then break end
    end
  end)
end
for _ = 1, 2 do q:put("stop") end
for i = 1, 3 do workers[i]:join() end
"""

# Opposite lock orders, but an Event orders the two threads: never deadlocks.
ORDERED_LOCKS = """\
local a = Lock()
local b = Lock()
local done = Event()
spawn("first", function()
  a:acquire()
  b:acquire()
  b:release()
  a:release()
  done:set()
end)
spawn("second", function()
  done:wait()
  b:acquire()
  a:acquire()
  a:release()
  b:release()
end)
"""

# Two unrelated lock-order cycles in two branches of a choose(): x/y
# deadlocks, a/b is ordered by an Event and never can.  BRANCH is the
# choose() value that takes the a/b branch.
TWO_CYCLES = """\
if choose(2) == BRANCH then
  local a = Lock()
  local b = Lock()
  local done = Event()
  spawn("p1", function() a:acquire(); b:acquire(); b:release(); a:release(); done:set() end)
  spawn("p2", function() done:wait(); b:acquire(); a:acquire(); a:release(); b:release() end)
else
  local x = Lock()
  local y = Lock()
  spawn("d1", function() x:acquire(); y:acquire(); y:release(); x:release() end)
  spawn("d2", function() y:acquire(); x:acquire(); x:release(); y:release() end)
end
"""

# One independent bug of each kind, one per choose() branch, the branches in
# the reverse of the report's order (so that the order is not the runs').
MANY = """\
local which = choose(9)
if which == 1 then
  spawn("spinner", function() while true do yield() end end)
elseif which == 2 then
  local done = Event()
  local a = Lock()
  local b = Lock()
  spawn("p1", function() a:acquire(); b:acquire(); b:release(); a:release(); done:set() end)
  spawn("p2", function() done:wait(); b:acquire(); a:acquire(); a:release(); b:release() end)
elseif which == 3 then
  local flag = shared("flag", false)
  spawn("setter", function() flag:set(true) end)
  spawn("getter", function() local f = flag:get() end)
elseif which == 4 then
  local bar = Barrier(2)
  spawn("waiter", function() pcall(function() bar:wait() end) end)
  spawn("aborter", function() yield(); bar:abort() end)
elseif which == 5 then
  local ev = Event()
  spawn("sleeper", function() ev:wait() end)
elseif which == 6 then
  spawn("crasher", function() error({type = "ValueError", message = "boom"}) end)
elseif which == 7 then
  spawn("checker", function() check(false, "always wrong") end)
elseif which == 8 then
  local counter = shared("counter", 0)
  for i = 1, 2 do
    spawn("worker" .. i, function() local v = counter:get(); counter:set(v + 1) end)
  end
  finally(function() check(counter:get() == 2, "counter %d", counter:get()) end)
else
  local x = Lock()
  local y = Lock()
  spawn("d1", function() x:acquire(); y:acquire(); y:release(); x:release() end)
  spawn("d2", function() y:acquire(); x:acquire(); x:release(); y:release() end)
end
"""
MANY_ORDER = ["deadlock", "lost_update", "error", "assertion", "stuck", "barrier_broken",
              "data_race", "potential_deadlock", "step_limit"]

# shared_table fields, each raced on differently.
FIELDS = """\
local acct = shared_table("acct")
local cache = shared_table("cache")
local buf = shared_table("buf")
acct.balance = 0
for w = 1, 2 do
  spawn("w" .. w, function()
    local b = acct.balance
    acct.balance = b + 1
    if cache[42] == nil then cache[42] = "user" end
    buf[3] = w
  end)
end
"""

# Unnamed primitives: a local, a loop over a table, a table constructor's
# field, and a local made in each thread.
DEFAULT_NAMES = """\
local q = Queue()
local forks = {}
for i = 1, 3 do forks[i] = Lock() end
local t = { lock = Lock() }
for i = 1, 3 do
  local left, right = forks[i], forks[i % 3 + 1]
  spawn("phil" .. i, function()
    local mine = Event()
    t.lock:acquire(); t.lock:release()
    left:acquire()
    right:acquire()
    right:release()
    left:release()
    q:put(i)
  end)
end
"""

# The counter reached through a helper.
HELPER = """\
local counter = shared("counter", 0)
local function bump()
  local v = counter:get()
  counter:set(v + 1)
end
local function worker()
  yield()
  bump()
end
spawn(worker)
spawn(worker)
finally(function()
  check(counter:get() == 2, "expected 2, got %d", counter:get())
end)
"""
BUMP_READ = "bump at x.lua:3 <- worker at x.lua:8"
BUMP_WRITE = "bump at x.lua:4 <- worker at x.lua:8"

# Five helpers deep.
DEEP = """\
local c = shared("c", 0)
local function f5() c:set(c:get() + 1) end
local function f4() f5() end
local function f3() f4() end
local function f2() f3() end
local function f1() f2() end
spawn("a", f1)
spawn("b", f1)
"""

WITH_ERROR = """\
local lock = Lock()
local function critical()
  lock:with(function()
    local x = 1
    error("boom")
  end)
end
spawn("w", critical)
"""

CLOSE_ERROR = """\
local lock = Lock()
local function critical()
  local _ <close> = lock:hold()
  local y = 2
  error({type = "ValueError", message = "closed boom"})
end
spawn("w", function()
  critical()
end)
"""

# A failed check and an escaped error inside named helpers.
HELPER_FAILURES = """\
local function verify(x)
  check(x == 1, "x is %d", x)
end
local function explode()
  error({type = "ValueError", message = "bad"})
end
spawn("checker", function()
  verify(2)
end)
spawn("raiser", function()
  explode()
end)
"""


def _decode(b):
    return b.decode("utf-8", errors="replace") if b is not None else ""


class Result:
    def __init__(self, args, rc, out, err, cwd):
        self.args, self.rc, self.out, self.err, self.cwd = args, rc, out, err, cwd

    def __repr__(self):
        return "racesim %s (in %s) -> exit %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
            " ".join(shlex.quote(a) for a in self.args), self.cwd, self.rc,
            self.out[-4000:], self.err[-3000:])


class BugTest(unittest.TestCase):
    maxDiff = 6000

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="racesim-bugs-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    # -- helpers --

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return name

    def racesim(self, *args, cwd=None, timeout=TIMEOUT):
        args = [str(a) for a in args]
        cwd = cwd or self.dir
        try:
            p = subprocess.run([RACESIM] + args, cwd=cwd, capture_output=True,
                               timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            self.fail("racesim %s did not finish within %d s" % (" ".join(args), timeout))
        return Result(args, p.returncode, _decode(p.stdout), _decode(p.stderr), cwd)

    def assertExit(self, r, code):
        self.assertEqual(r.rc, code, "expected exit status %d\n%r" % (code, r))

    def json_of(self, r):
        try:
            return json.loads(r.out)
        except ValueError as e:
            self.fail("stdout is not one JSON object (%s)\n%r" % (e, r))

    def explore(self, script, *args, code=1):
        """run --json; checks the bug contract of the result (check_bugs)."""
        r = self.racesim("run", script, "--json", *args)
        if code is not None:
            self.assertExit(r, code)
        obj = self.json_of(r)
        self.check_bugs(obj, r)
        return obj, r

    def check_bugs(self, obj, r):
        """The JSON shape of bugs: counts, fields, roles, one headline each."""
        for k in ("bugs", "observations", "findings"):
            self.assertIn(k, obj, "run --json has no %r\n%r" % (k, r))
        bugs = obj["findings"]
        self.assertEqual(obj["bugs"], len(bugs), r)
        self.assertEqual(obj["observations"], sum(len(b.get("evidence", [])) for b in bugs), r)
        seen = set()
        for b in bugs:
            for k in ("kind", "count", "message", "first_run", "seed", "schedule", "replay",
                      "steps", "preemptions", "evidence"):
                self.assertIn(k, b, "bug without %r\n%r" % (k, r))
            self.assertIsInstance(b["count"], int)
            self.assertIsInstance(b["first_run"], int)
            self.assertIsInstance(b["steps"], int)
            self.assertIsInstance(b["preemptions"], int)
            self.assertRegex(b["seed"], r"^0x[0-9a-f]+$")
            self.assertTrue(b["schedule"])
            self.assertTrue(b["replay"].startswith("racesim replay "), b["replay"])
            ev = b["evidence"]
            self.assertIsInstance(ev, list)
            for e in ev:
                for k in ("kind", "role", "count", "first_run", "signature", "message"):
                    self.assertIn(k, e, "evidence without %r\n%r" % (k, r))
                self.assertIn(e["role"], ROLES, e)
                self.assertIsInstance(e["count"], int)
                self.assertIsInstance(e["first_run"], int)
                self.assertTrue(e["message"])
                self.assertNotIn(e["signature"], seen, "an observation in two bugs\n%r" % r)
                seen.add(e["signature"])
            heads = [e for e in ev if e["role"] == "headline"]
            self.assertEqual(len(heads), 1, "not one headline: %s" % ev)
            self.assertIs(ev[0], heads[0], "the headline is not first: %s" % ev)
            self.assertEqual(heads[0]["kind"], b["kind"], b)
            # the bug's runs: those of every observation of its headline's kind
            # (two lost updates of one bug, each in some runs), at least the
            # headline's own
            self.assertLessEqual(heads[0]["count"], b["count"], b)
            same_kind = [e["count"] for e in ev if e["kind"] == b["kind"]]
            self.assertLessEqual(b["count"], sum(same_kind), b)
        return bugs

    def evidence(self, bug, kind=None, role=None):
        return [e for e in bug["evidence"]
                if (kind is None or e["kind"] == kind) and (role is None or e["role"] == role)]

    def kinds_roles(self, bug):
        return sorted((e["kind"], e["role"]) for e in bug["evidence"])

    def bugs_of_db(self, con):
        out = []
        for (bid, kind, runs, first, sig) in con.execute(
                "SELECT id, kind, runs, first_run, signature FROM bugs ORDER BY rank"):
            ev = sorted(con.execute("SELECT role, kind, runs, first_run, signature "
                                    "FROM bug_evidence WHERE bug_id = ?", (bid,)))
            out.append((kind, runs, first, sig, ev))
        return out


    def merged_like_whole(self, script, common):
        """Explore 'script' whole (whole.db) and as two shards merged (all.db):
        both databases hold the bugs of the whole run's JSON; returns them as
        (kind, runs, first run, signature, sorted evidence)."""
        whole, _ = self.explore(script, "--db", "whole.db", *common)
        for i in (1, 2):
            r = self.racesim("run", script, "--db", "shard%d.db" % i, "--shard", "%d/2" % i,
                             "--quiet", *common)
            self.assertExit(r, 1)
        self.assertExit(self.racesim("merge", "all.db", "shard1.db", "shard2.db"), 0)
        expect = [(b["kind"], b["count"], b["first_run"], b["signature"],
                   sorted((e["role"], e["kind"], e["count"], e["first_run"], e["signature"])
                          for e in b["evidence"]))
                  for b in whole["findings"]]
        self.assertEqual(self.bugs_of_db(self.db("whole.db")), expect)
        self.assertEqual(self.bugs_of_db(self.db("all.db")), expect)
        return expect

    def db(self, name):
        con = sqlite3.connect(self.path(name))
        self.addCleanup(con.close)
        return con


# ---- 1. one bug, one entry --------------------------------------------------

class OneBugOneEntry(BugTest):

    def assert_counter_bug(self, obj, r):
        bugs = obj["findings"]
        self.assertEqual(len(bugs), 1, "not one bug\n%r" % r)
        b = bugs[0]
        self.assertEqual(b["kind"], "lost_update", r)
        self.assertIn("lost update on 'counter'", b["message"])
        self.assertTrue(b["message"].endswith(COUNTER_CHECK), b["message"])
        self.assertEqual(self.kinds_roles(b), [("assertion", "consequence"),
                                               ("data_race", "evidence"),
                                               ("data_race", "evidence"),
                                               ("lost_update", "headline")], r)
        (a,) = self.evidence(b, "assertion")
        self.assertEqual(a["message"],
                         "check failed at counter.lua:9 in MainThread (finally): expected 2, got 1")
        # the check failed in exactly the runs that lost an update
        self.assertEqual(a["count"], b["count"], b)
        self.assertEqual(a["first_run"], b["first_run"], b)
        for d in self.evidence(b, "data_race"):
            self.assertIn("data race on 'counter'", d["message"])
        return b

    def test_counter_dfs_is_one_bug(self):
        s = self.write("counter.lua", COUNTER)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        self.assertIs(obj["complete"], True)
        self.assertEqual(obj["runs"], 4, r)
        b = self.assert_counter_bug(obj, r)
        self.assertEqual(b["count"], 2, r)  # of the 4 orders, 2 lose an update
        for d in self.evidence(b, "data_race"):
            self.assertEqual(d["count"], 4, d)  # the races are in every run
        self.assertEqual(obj["observations"], 4, r)
        h = self.racesim("run", s, "--no-db", "--strategy", "dfs")
        self.assertExit(h, 1)
        self.assertIn("1 bug (4 observations):", h.out, h)
        self.assertNotIn("distinct finding", h.out, h)
        self.assertEqual(len(re.findall(r"^\[\d+\] ", h.out, re.M)), 1, h)

    def test_counter_random_is_one_bug(self):
        s = self.write("counter.lua", COUNTER)
        obj, r = self.explore(s, "--no-db", "--strategy", "random", "--seed", "5",
                              "--runs", "200")
        self.assert_counter_bug(obj, r)
        h = self.racesim("run", s, "--no-db", "--strategy", "random", "--seed", "5",
                         "--runs", "200")
        self.assertIn("1 bug (4 observations):", h.out, h)

    def test_counter_pct_is_one_bug(self):
        s = self.write("counter.lua", COUNTER)
        obj, r = self.explore(s, "--no-db", "--strategy", "pct", "--seed", "5", "--runs", "200")
        self.assert_counter_bug(obj, r)

    def test_check_then_act_cache_is_one_lost_update(self):
        s = self.write("cache.lua", CACHE)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual(len(bugs), 1, r)
        b = bugs[0]
        self.assertEqual(b["kind"], "lost_update", r)
        self.assertTrue(b["message"].startswith("lost update on 'cache[42]': "), b["message"])
        self.assertTrue(b["message"].endswith(
            ", so the check at cache.lua:16 failed in MainThread (finally): loaded 2 times"),
            b["message"])
        (a,) = self.evidence(b, "assertion")
        self.assertEqual(a["role"], "consequence")
        self.assertEqual(a["count"], b["count"])
        self.assertEqual({e["kind"] for e in self.evidence(b, role="evidence")}, {"data_race"}, b)

    def test_data_race_without_lost_update_is_a_bug(self):
        s = self.write("flag.lua", FLAG)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual(len(bugs), 1, r)
        self.assertEqual(bugs[0]["kind"], "data_race")
        self.assertEqual(self.kinds_roles(bugs[0]), [("data_race", "headline")])
        self.assertIn("data race on 'flag': setter wrote true at flag.lua:3, and reader read "
                      "it at flag.lua:6", bugs[0]["message"])
        self.assertEqual(bugs[0]["count"], obj["runs"], r)

    def test_check_failing_without_any_race_is_its_own_bug(self):
        s = self.write("choose.lua", CHOOSE)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual([b["kind"] for b in bugs], ["assertion", "data_race"], r)
        a, d = bugs
        self.assertEqual(a["message"], "check failed at choose.lua:4 in picker: picked path 2")
        self.assertEqual(self.kinds_roles(a), [("assertion", "headline")])
        self.assertEqual(self.kinds_roles(d), [("data_race", "headline")])
        self.assertNotIn("picked path", d["message"])
        self.assertEqual(obj["runs"], 6, r)
        self.assertEqual(a["count"], 3, r)  # picker's path 2, whatever 'maybe' did
        self.assertEqual(d["count"], 4, r)

    def test_check_independent_of_a_race_in_every_run_is_its_own_bug(self):
        # The counter races in every run and loses an update in some; the
        # check in picker fails on its own choose(), and picker never touches
        # the counter: its failure says nothing about the counter.
        s = self.write("every.lua", CHOOSE_EVERY_RUN)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        kinds = [b["kind"] for b in bugs]
        self.assertEqual(kinds, ["lost_update", "assertion"],
                         "the picker's check is not a bug of its own\n%r" % r)
        lu, a = bugs
        self.assertEqual(a["message"], "check failed at every.lua:4 in picker: picked path 2")
        self.assertEqual(self.kinds_roles(a), [("assertion", "headline")])
        self.assertNotIn("picked path", lu["message"])
        self.assertEqual(self.kinds_roles(lu), [("data_race", "evidence"),
                                                ("data_race", "evidence"),
                                                ("lost_update", "headline")])

    def test_error_in_unrelated_thread_is_its_own_bug(self):
        s = self.write("err.lua", COUNTER_AND_ERROR)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual([b["kind"] for b in bugs], ["lost_update", "error"], r)
        lu, err = bugs
        self.assertEqual(self.kinds_roles(err), [("error", "headline")], r)
        self.assertEqual(err["message"], "ValueError escaped broken at err.lua:10: bad config")
        self.assertEqual(err["count"], obj["runs"])
        self.assertNotIn("bad config", lu["message"])
        self.assertEqual(self.kinds_roles(lu), [("assertion", "consequence"),
                                                ("data_race", "evidence"),
                                                ("data_race", "evidence"),
                                                ("lost_update", "headline")], r)
        self.assertTrue(lu["message"].endswith(
            ", so the check at err.lua:13 failed in MainThread (finally): expected 2, got 1"),
            lu["message"])

    def test_symmetric_unnamed_threads_are_one_bug(self):
        s = self.write("sym.lua", SYMMETRIC)
        obj, r = self.explore(s, "--db", "sym.db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual(len(bugs), 1, r)
        b = bugs[0]
        self.assertEqual(b["kind"], "lost_update")
        self.assertEqual(b["count"], 2, r)
        self.assertEqual(len(self.evidence(b, "lost_update")), 1, b)
        # both orders were explored: Thread-1 read first in one run, Thread-2 in
        # another, and both are this one bug
        con = self.db("sym.db")
        msgs = [m for (m,) in con.execute(
            "SELECT message FROM findings WHERE kind = 'lost_update' AND signature = ?",
            (b["signature"],))]
        self.assertEqual(len(msgs), 2, msgs)
        firsts = sorted(re.match(r"lost update on 'counter': (Thread-\d) read", m).group(1)
                        for m in msgs)
        self.assertEqual(firsts, ["Thread-1", "Thread-2"], msgs)

    def test_shared_helper_from_two_functions_is_one_bug(self):
        s = self.write("acct.lua", ACCOUNT)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual(len(bugs), 1, r)
        b = bugs[0]
        self.assertEqual(b["kind"], "lost_update")
        self.assertEqual(b["count"], 2, r)  # deposit's update lost, and withdraw's
        self.assertIn("lost update on 'acct.balance'", b["message"])
        self.assertEqual(self.kinds_roles(b), [("assertion", "consequence"),
                                               ("data_race", "evidence"),
                                               ("data_race", "evidence"),
                                               ("lost_update", "headline")], r)

    POOL_STUCK = re.compile(
        r"^stuck: no thread can proceed and no timeout is pending: MainThread at pool\.lua:12 "
        r"waits in join\(\) for (Thread-[123]), which never finishes; \1 at pool\.lua:6 waits "
        r"in get\(\) on Queue 'q', which stays empty: no live thread will put\(\)")

    def test_worker_pool_stuck_is_one_bug(self):
        s = self.write("pool.lua", POOL)
        for opts in (("--strategy", "dfs"), ("--strategy", "random", "--seed", "3",
                                            "--runs", "200")):
            with self.subTest(opts=opts):
                obj, r = self.explore(s, "--no-db", *opts)
                bugs = obj["findings"]
                self.assertEqual([b["kind"] for b in bugs], ["stuck"], r)
                b = bugs[0]
                self.assertEqual(b["count"], obj["runs"], r)  # every run is stuck
                self.assertEqual(self.kinds_roles(b), [("stuck", "headline")], r)
                self.assertRegex(b["message"], self.POOL_STUCK)

    NESTED_MONITOR = """\
-- the consumer waits on a Condition while it keeps another lock
local outer = Lock("outer")
local cond = Condition(nil, "cond")
local ready = shared("ready", false)
spawn("consumer", function()
  outer:acquire()
  cond:acquire()
  while not ready:get() do cond:wait() end
  cond:release()
  outer:release()
end)
spawn("producer", function()
  outer:acquire()
  cond:acquire()
  ready:set(true)
  cond:notify()
  cond:release()
  outer:release()
end)
"""

    def test_nested_monitor_is_not_called_a_lost_wakeup(self):
        s = self.write("nested.lua", self.NESTED_MONITOR)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        self.assertEqual([b["kind"] for b in obj["findings"]], ["stuck"], r)
        m = obj["findings"][0]["message"]
        self.assertIn("consumer at nested.lua:8 waits on Condition 'cond' while it holds Lock "
                      "'outer', which wait() does not release, and producer needs it to go on; "
                      "producer at nested.lua:13 waits to acquire Lock 'outer', held by "
                      "consumer (taken at nested.lua:6). A nested-monitor lockout", m)
        self.assertNotIn("lost wake-up", m)
        self.assertNotIn("nobody is left to notify", m)

    POOL_LEAK = """\
-- a connection pool: the even clients return without releasing
local pool = Semaphore(2, "pool")
local function use(i)
  pool:acquire()
  if i % 2 == 0 then return end
  sleep(0.5)
  pool:release()
end
local ts = {}
for i = 1, 4 do ts[i] = spawn("client" .. i, use, i) end
for i = 1, 4 do ts[i]:join() end
"""

    def test_stuck_semaphore_names_who_kept_its_permits(self):
        s = self.write("pool_leak.lua", self.POOL_LEAK)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs", "--runs", "2000")
        msgs = [b["message"] for b in obj["findings"] if b["kind"] == "stuck"]
        self.assertTrue(msgs, r)
        for m in msgs:
            self.assertRegex(m, r"waits? to acquire Semaphore 'pool', whose value is 0 and "
                                r"which nobody will release: client2 \(taken at "
                                r"pool_leak\.lua:4\) and client4 \(taken at pool_leak\.lua:4\)"
                                r" ended holding permits they never released")

    def test_short_barrier_names_a_thread_that_raised(self):
        # u misspells wait: no code shared with t, the barrier never used
        s = self.write("typo.lua", 'local b = Barrier(2, nil, nil, "b")\n'
                                   'spawn("t", function() b:wait() end)\n'
                                   'spawn("u", function() b:wiat() end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        # the error and the wait it left are one bug (FailureBringsAbout)
        (bug,) = obj["findings"]
        (stuck,) = self.evidence(bug, "stuck", "consequence")
        self.assertIn("t at typo.lua:2 waits at Barrier 'b' with 1 of 2 parties: nobody else "
                      "is coming; u raised an error at typo.lua:3 and ended (perhaps a party). A party that "
                      "raises before wait()", stuck["message"])

    def test_stuck_semaphore_that_counts_items_names_nobody(self):
        # a producer gives one item, two consumers take: the second waits, and
        # the first, which took its item, kept nothing it should have given
        s = self.write("items.lua", 'local items = Semaphore(0, "items")\n'
                                    'spawn("producer", function() items:release() end)\n'
                                    'for i = 1, 2 do spawn("consumer" .. i, function() '
                                    'items:acquire() end) end\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (m,) = [b["message"] for b in obj["findings"] if b["kind"] == "stuck"]
        self.assertTrue(m.endswith("waits to acquire Semaphore 'items', whose value is 0 and "
                                   "which nobody will release"), m)

    def test_barrier_action_raising_is_one_break_whoever_came_last(self):
        # the action runs in the last party to arrive, a or c: one bug, not
        # one per arrival line
        s = self.write("action.lua",
                       'local b = Barrier(2, function() error("boom") end, nil, "b")\n'
                       'local a = spawn("a", function() pcall(b.wait, b) end)\n'
                       'local c = spawn("c", function() pcall(b.wait, b) end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        broken = [b for b in obj["findings"] if b["kind"] == "barrier_broken"]
        self.assertEqual(len(broken), 1, r)
        self.assertEqual(broken[0]["count"], obj["runs"], r)
        self.assertGreater(obj["runs"], 1, r)  # both orders of arrival were run

    def test_barrier_action_that_raises_is_one_bug_with_its_error(self):
        # the action's error escapes the party that ran it, the other gets
        # BrokenBarrierError: one bug, told from the error
        s = self.write("action.lua",
                       'local b = Barrier(2, function() error("boom") end, nil, "b")\n'
                       'spawn("a", function() b:wait() end)\n'
                       'spawn("c", function() b:wait() end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (bug,) = obj["findings"]
        # the action's error is told where it raised, whichever party ran
        # it; the other's BrokenBarrierError at that party's wait()
        self.assertEqual(self.kinds_roles(bug), [("barrier_broken", "consequence")] +
                         [("error", "evidence")] * 2 + [("error", "headline")], r)
        self.assertEqual(bug["count"], obj["runs"], r)
        (head,) = self.evidence(bug, role="headline")
        self.assertRegex(head["message"], r"^error in ([ac]) at action\.lua:1 <- wait\(\) at "
                                          r"action\.lua:[23]: boom$")
        told = sorted(e["message"] for e in self.evidence(bug, "error", "evidence"))
        self.assertEqual(told, ["BrokenBarrierError escaped a at action.lua:2",
                                "BrokenBarrierError escaped c at action.lua:3"], r)
        self.assertRegex(bug["message"], r"^error in [ac] at action\.lua:1 .*boom, so Barrier "
                                         r"'b' broke: its action raised an error in ([ac]) .*"
                                         r"BrokenBarrierError for: [ac]$")
        # the bug's names are those of one run: the party that ran the action
        # raised the error the headline tells
        ran = re.search(r"action raised an error in ([ac]) ", bug["message"]).group(1)
        self.assertTrue(bug["message"].startswith("error in %s" % ran), bug["message"])
        self.assertIn("BrokenBarrierError for: %s" % ("c" if ran == "a" else "a"), bug["message"])

    def test_philosophers_deadlock_folds_the_lock_order_cycle(self):
        shutil.copy(os.path.join(ROOT, "scripts", "classic", "philosophers_deadlock.lua"),
                    self.path("philosophers_deadlock.lua"))
        obj, r = self.explore("philosophers_deadlock.lua", "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual([b["kind"] for b in bugs], ["deadlock"], r)
        b = bugs[0]
        self.assertEqual(self.kinds_roles(b), [("deadlock", "headline"),
                                               ("potential_deadlock", "evidence")], r)
        (pd,) = self.evidence(b, "potential_deadlock")
        self.assertIn("'fork5' -> 'fork1' -> 'fork2' -> 'fork3' -> 'fork4' -> 'fork5'",
                      pd["message"])
        h = self.racesim("run", "philosophers_deadlock.lua", "--no-db", "--strategy", "dfs")
        self.assertIn("1 bug (2 observations):", h.out, h)
        self.assertTrue(re.search(r"^\[1\] deadlock: ", h.out, re.M), h)
        self.assertFalse(re.search(r"^\[\d+\] potential_deadlock", h.out, re.M), h)

    def test_potential_deadlock_never_reached_stays_its_own_bug(self):
        s = self.write("ordered.lua", ORDERED_LOCKS)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual([b["kind"] for b in bugs], ["potential_deadlock"], r)
        self.assertEqual(self.kinds_roles(bugs[0]), [("potential_deadlock", "headline")])
        self.assertIn("lock-order cycle 'b' -> 'a' -> 'b'", bugs[0]["message"])
        h = self.racesim("run", s, "--no-db", "--strategy", "dfs")
        self.assertIn("1 bug (1 observation):", h.out, h)
        self.assertIn("not reached in 300 directed runs", h.out, h)

    def test_two_lock_order_cycles_are_two_bugs(self):
        # One cycle deadlocks (x, y), the other (a, b) is ordered by an Event:
        # a deadlock with its cycle as evidence, and a potential deadlock of
        # its own, whichever branch comes first.
        for branch in (1, 2):
            with self.subTest(ab_branch=branch):
                s = self.write("two.lua", TWO_CYCLES.replace("BRANCH", str(branch)))
                obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
                bugs = obj["findings"]
                self.assertEqual([b["kind"] for b in bugs], ["deadlock", "potential_deadlock"],
                                 r)
                dl, pd = bugs
                self.assertIn("Lock 'y'", dl["message"])
                self.assertEqual(self.kinds_roles(dl), [("deadlock", "headline"),
                                                        ("potential_deadlock", "evidence")], r)
                (cyc,) = self.evidence(dl, "potential_deadlock")
                self.assertIn("lock-order cycle 'y' -> 'x' -> 'y'", cyc["message"])
                self.assertIn("lock-order cycle 'b' -> 'a' -> 'b'", pd["message"])


    HALF_LOCKED = """\
        local counter = shared("counter", 0)
        local lock = Lock()
        local function inc_locked()
          lock:with(function()
            local v = counter:get()
            counter:set(v + 1)
          end)
        end
        local function inc_unlocked()
          local v = counter:get()
          counter:set(v + 1)
        end
        spawn("locked", inc_locked)
        spawn("unlocked", inc_unlocked)
        finally(function() check(counter:get() == 2, "got %d", counter:get()) end)
        """

    def test_one_path_without_the_lock_is_a_lost_update(self):
        # Its two lost updates (one each way: other lines, other signatures)
        # were each in one run, the race between them in all four: the race
        # was the headline, and the replay of its run said lost_update.
        s = self.write("half.lua", self.HALF_LOCKED)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (bug,) = obj["findings"]
        self.assertEqual(bug["kind"], "lost_update", r)
        self.assertEqual(bug["count"], 2, r)
        self.assertIn("so the check at half.lua:15 failed", bug["message"], r)
        rr = self.racesim(*shlex.split(bug["replay"])[1:], "--json")
        self.assertEqual([b["kind"] for b in json.loads(rr.out)["findings"]], ["lost_update"])

    RING = """\
        local n = param("n", 7)
        local L = {}
        for i = 1, n do L[i] = Lock("L" .. i) end
        for i = 1, n do
          spawn("t" .. i, function()
            L[i]:acquire(); L[i % n + 1]:acquire(); L[i % n + 1]:release(); L[i]:release()
          end)
        end
        """

    def test_long_lock_order_cycles(self):
        # A cycle of more than 6 locks was never looked for: dfs said
        # "complete ... no findings", a false proof.
        s = self.write("ring.lua", self.RING)
        for n in (7, 8, 12, 32):
            with self.subTest(locks=n):
                obj, r = self.explore(s, "--no-db", "--runs", "20", "--seed", "1",
                                      "-D", "n=%d" % n)
                cycles = sorted({e["message"] for b in obj["findings"]
                                 for e in [b] + b.get("evidence", [])
                                 if e["kind"] == "potential_deadlock"})
                self.assertEqual(len(cycles), 1, r)
                self.assertIn("'L%d' -> 'L1'" % n, cycles[0], r)
                h = self.racesim("run", s, "--no-db", "--runs", "20", "--seed", "1",
                                 "-D", "n=%d" % n)
                self.assertNotIn("lock-order cycles stopped", h.out, h)

    def test_a_cycle_beyond_the_search_says_so(self):
        s = self.write("ring.lua", self.RING)
        h = self.racesim("run", s, "--no-db", "--runs", "5", "-D", "n=40", "--seed", "1")
        self.assertIn("warning: the search for lock-order cycles stopped at cycles of 32 locks "
                      "(the graph has room for cycles of 40 locks)", h.out, h)


# ---- 1b. what a failure brings about ----------------------------------------

HOLDER_RAISES = """\
local m = Lock("m")
spawn("holder", function()
  m:acquire()
  error({type = "ValueError", message = "bad row"})
end)
spawn("waiter", function()
  m:acquire()
  m:release()
end)
"""

PRODUCER_DIES = """\
local q = Queue(0, "jobs")
spawn("producer", function()
  for i = 1, 3 do
    if i == 3 then error("bad item") end
    q:put(i)
  end
end)
spawn("consumer", function()
  for _ = 1, 3 do q:get() end
end)
"""

# two errors, each leaving its own wait: the waiter of 'm' needs 'holder',
# the consumer needs 'producer' (which raises after its first put)
TWO_FAILURES = """\
local m = Lock("m")
local q = Queue(0, "jobs")
spawn("holder", function()
  m:acquire()
  error("holder failed")
end)
spawn("waiter", function() m:acquire() end)
spawn("producer", function()
  q:put(1)
  error("producer failed")
end)
spawn("consumer", function() q:get(); q:get() end)
"""


class FailureBringsAbout(BugTest):
    """An error that ended a thread another one needed, and the stuck wait
    or the barrier break it left, are one bug told from the error."""

    def one_bug(self, obj, r):
        bugs = obj["findings"]
        self.assertEqual(len(bugs), 1, r)
        return bugs[0]

    def test_a_lock_holder_that_raised(self):
        s = self.write("holder.lua", HOLDER_RAISES)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bug = self.one_bug(obj, r)
        self.assertEqual(self.kinds_roles(bug), [("error", "headline"),
                                                 ("stuck", "consequence")], r)
        self.assertEqual(bug["count"], obj["runs"])
        m = bug["message"]
        self.assertTrue(m.startswith(
            "ValueError escaped holder at holder.lua:4: bad row, so waiter at holder.lua:7 "
            "waits to acquire Lock 'm', held by holder, which ended by ValueError at "
            "holder.lua:4 without releasing it (taken at holder.lua:3)"), m)
        self.assertNotIn("stuck: no thread can proceed", m)  # the consequence, not the finding
        self.assertIn("take it with obj:with(function() ... end)", m)
        h = self.racesim("run", s, "--no-db", "--strategy", "dfs")
        self.assertIn("1 bug (2 observations):", h.out, h)
        self.assertIn("also seen: stuck in", h.out, h)

    def test_a_pool_permit_kept_by_a_thread_that_raised(self):
        s = self.write("pool.lua", 'local pool = Semaphore(1, "pool")\n'
                                   'for i = 1, 2 do spawn("client" .. i, function()\n'
                                   '  pool:acquire()\n'
                                   '  if i == 1 then error("timeout talking to db") end\n'
                                   '  pool:release()\n'
                                   'end) end\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bug = self.one_bug(obj, r)
        self.assertEqual(self.kinds_roles(bug), [("error", "headline"),
                                                 ("stuck", "consequence")], r)
        self.assertIn("timeout talking to db, so client2 at pool.lua:3 waits to acquire "
                      "Semaphore 'pool', whose value is 0 and which nobody will release: "
                      "client1 (taken at pool.lua:3) ended holding a permit it never released",
                      bug["message"])

    def test_a_producer_that_raised_after_putting(self):
        s = self.write("prod.lua", PRODUCER_DIES)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bug = self.one_bug(obj, r)
        self.assertEqual(self.kinds_roles(bug), [("error", "headline"),
                                                 ("stuck", "consequence")], r)
        self.assertIn("bad item, so consumer at prod.lua:9 waits in get() on Queue 'jobs', "
                      "which stays empty: no live thread will put(); producer, which called "
                      "put() on it at prod.lua:5, ended by an error at prod.lua:4",
                      bug["message"])

    def test_a_notifier_that_raised(self):
        s = self.write("cond.lua", 'local cv = Condition(nil, "ready")\n'
                                   'local items = shared("items", 0)\n'
                                   'spawn("producer", function()\n'
                                   '  cv:with(function() items:set(1); cv:notify() end)\n'
                                   '  error("feed broke")\n'
                                   'end)\n'
                                   'spawn("consumer", function()\n'
                                   '  for _ = 1, 2 do cv:with(function()\n'
                                   '    while items:get() == 0 do cv:wait() end\n'
                                   '    items:set(items:get() - 1)\n'
                                   '  end) end\n'
                                   'end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bug = self.one_bug(obj, r)
        self.assertEqual(self.kinds_roles(bug), [("error", "headline"),
                                                 ("stuck", "consequence")], r)
        self.assertTrue(bug["message"].startswith(
            "error in producer at cond.lua:5: feed broke, so consumer at cond.lua:9"), bug)
        self.assertIn("; producer, which called notify() on it at cond.lua:4 <- with(), ended "
                      "by an error at cond.lua:5", bug["message"])
        # not a lost wake-up: no advice to loop or to notify_all
        self.assertNotIn("notify_all", bug["message"])

    def test_a_waiter_that_checked_its_predicate_missed_no_notify(self):
        # one item for two gets: the consumer took the item its notify told
        # of, checked again and waits for a second that never comes
        s = self.write("short.lua", 'local cv = Condition(nil, "ready")\n'
                                    'local items = shared("items", 0)\n'
                                    'spawn("producer", function()\n'
                                    '  cv:with(function() items:set(1); cv:notify() end)\n'
                                    'end)\n'
                                    'spawn("consumer", function()\n'
                                    '  for _ = 1, 2 do cv:with(function()\n'
                                    '    while items:get() == 0 do cv:wait() end\n'
                                    '    items:set(items:get() - 1)\n'
                                    '  end) end\n'
                                    'end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (bug,) = obj["findings"]
        self.assertEqual(bug["kind"], "stuck", r)
        self.assertIn("waits on Condition 'ready' and nobody is left to notify it", bug["message"])
        for e in bug["evidence"]:
            self.assertNotIn("came before its wait()", e["message"])
            self.assertNotIn("does not remember a notify()", e["message"])

    def test_a_lost_wakeup_is_not_the_notifiers_later_error(self):
        # the notify comes before the wait and wakes nobody: a lost wake-up,
        # whatever the notifier does after it
        s = self.write("lost.lua", 'local cv = Condition(nil, "ready")\n'
                                   'spawn("producer", function()\n'
                                   '  cv:with(function() cv:notify() end)\n'
                                   '  error("cleanup failed")\n'
                                   'end)\n'
                                   'spawn("consumer", function()\n'
                                   '  cv:with(function() cv:wait() end)\n'
                                   'end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        self.assertEqual(sorted(b["kind"] for b in obj["findings"]), ["error", "stuck"], r)
        (stuck,) = [b for b in obj["findings"] if b["kind"] == "stuck"]
        self.assertIn("came before its wait()", stuck["message"])
        self.assertIn("check the predicate under the lock", stuck["message"])

    def test_a_party_that_raised_before_a_barrier_with_a_timeout(self):
        # the others' wait times out: the break, and the BrokenBarrierError
        # it raises in them, came of worker3's error
        s = self.write("barto.lua", 'local b = Barrier(3, nil, 1.0, "phase")\n'
                                    'for i = 1, 3 do spawn("worker" .. i, function()\n'
                                    '  if i == 3 then error({type = "ValueError", '
                                    'message = "bad input"}) end\n'
                                    '  b:wait()\n'
                                    'end) end\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bug = self.one_bug(obj, r)
        self.assertEqual(self.kinds_roles(bug), [("barrier_broken", "consequence"),
                                                 ("error", "evidence"), ("error", "headline")], r)
        self.assertRegex(bug["message"], r"^ValueError escaped worker3 at barto\.lua:3: bad "
                                         r"input, so Barrier 'phase' broke: worker[12]'s wait "
                                         r"timed out at t=1 with 2 threads at the barrier")

    def test_other_observations_of_the_headlines_kind_say_in_how_many_runs(self):
        # two stuck states, one bug: "also seen" gives the other's runs, those
        # of its row in bug_evidence, and the bug's runs are both together
        s = self.write("leak.lua", 'local pool = Semaphore(2, "pool")\n'
                                   'local function handle(n)\n'
                                   '  pool:acquire()\n'
                                   '  if n % 2 == 0 then return false end\n'
                                   '  pool:release()\n'
                                   'end\n'
                                   'for i = 1, 4 do spawn("req" .. i, function() handle(i) end) end\n')
        db = self.path("leak.db")
        r = self.racesim("run", s, "--seed", "1", "--db", db)
        m = re.search(r"\[1\] stuck: in (\d+) of 1000 runs .*\n.*\n    also seen: 1 other stuck "
                      r"state in (\d+) runs\n", r.out)
        self.assertTrue(m, r)
        con = sqlite3.connect(db)
        try:
            (kind, runs, _, _, ev), = self.bugs_of_db(con)
        finally:
            con.close()
        self.assertEqual(kind, "stuck")
        self.assertEqual([e[0] for e in ev], ["evidence", "headline"])
        self.assertEqual(int(m.group(2)), ev[0][2])
        self.assertEqual(int(m.group(1)), runs)
        self.assertEqual(runs, ev[0][2] + ev[1][2])  # one stuck state a run

    def test_an_error_after_a_timeout_that_another_error_caused(self):
        # worker2 gives up on the lock worker1 took and kept by raising;
        # the consumer's get(timeout) raises Empty: the producer died
        s = self.write("tmo.lua", 'local lock = Lock("cache_lock")\n'
                                  'spawn("worker1", function()\n'
                                  '  lock:acquire()\n'
                                  '  error({type = "ValueError", message = "bad row"})\n'
                                  'end)\n'
                                  'spawn("worker2", function()\n'
                                  '  if not lock:acquire(true, 1.0) then\n'
                                  '    error({type = "TimeoutError", message = "no lock in 1 s"})\n'
                                  '  end\n'
                                  '  lock:release()\n'
                                  'end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bug = self.one_bug(obj, r)
        self.assertEqual(self.kinds_roles(bug), [("error", "consequence"),
                                                 ("error", "headline")], r)
        self.assertEqual(bug["message"], "ValueError escaped worker1 at tmo.lua:4: bad row, so "
                                         "TimeoutError escaped worker2 at tmo.lua:8: no lock in 1 s")
        h = self.racesim("run", s, "--no-db", "--strategy", "dfs")
        self.assertIn("    also seen: 1 other error (TimeoutError) in 1 run\n", h.out, h)
        s = self.write("empty.lua", 'local q = Queue(0, "records")\n'
                                    'spawn("producer", function()\n'
                                    '  q:put(1)\n'
                                    '  error({type = "ValueError", message = "bad record"})\n'
                                    'end)\n'
                                    'spawn("consumer", function()\n'
                                    '  while true do q:get(true, 5.0) end\n'
                                    'end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bug = self.one_bug(obj, r)
        self.assertTrue(bug["message"].startswith(
            "ValueError escaped producer at empty.lua:4: bad record, so Empty escaped consumer "
            "at empty.lua:7"), bug["message"])
        # a timeout with nobody to blame is the timeout's own bug
        s = self.write("slow.lua", 'local q = Queue(0, "records")\n'
                                   'spawn("consumer", function() q:get(true, 5.0) end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        self.assertEqual([self.kinds_roles(b) for b in obj["findings"]],
                         [[("error", "headline")]], r)

    def test_no_blame_where_another_thread_could_have_ended_the_wait(self):
        cases = {
            # p2 is slow, not dead: the timeout is the consumer's own bug
            "slowprod.lua": 'local q = Queue(0, "records")\n'
                            'spawn("p1", function() q:put(1); error("flush failed") end)\n'
                            'spawn("p2", function() sleep(10); q:put(2) end)\n'
                            'spawn("consumer", function()\n'
                            '  for i = 1, 2 do q:get(true, 5.0) end\n'
                            'end)\n',
            # Empty caught; the consumer's next error is its own
            "caught.lua": 'local q = Queue(0, "records")\n'
                          'spawn("producer", function() q:put(1); error("bad record") end)\n'
                          'spawn("consumer", function()\n'
                          '  q:get()\n'
                          '  pcall(q.get, q, true, 1.0)\n'
                          '  local t = {}\n'
                          '  return t.x.y\n'
                          'end)\n',
            # b1 of group B raised; a2 of group A, the same code, is slow:
            # who was missing at A's timeout is not known
            "groups.lua": 'local bars = { Barrier(2, nil, 1.0, "A"), Barrier(2, nil, 1.0, "B") }\n'
                          'local who = { {1, "a1", 0}, {1, "a2", 5}, {2, "b1", -1}, {2, "b2", 0} }\n'
                          'for _, w in ipairs(who) do spawn(w[2], function()\n'
                          '  if w[3] < 0 then error("bad input") end\n'
                          '  if w[3] > 0 then sleep(w[3]) end\n'
                          '  bars[w[1]]:wait()\n'
                          'end) end\n',
        }
        for name, text in cases.items():
            with self.subTest(name):
                obj, r = self.explore(self.write(name, text), "--no-db", "--strategy", "dfs")
                for b in obj["findings"]:
                    self.assertEqual([e["role"] for e in b["evidence"]
                                      if e["role"] == "consequence"], [], r)

    def test_errors_after_a_caught_action_error_are_their_own(self):
        # both parties catch the break; each then raises its own error
        s = self.write("caught.lua",
                       'local b = Barrier(2, function() error("boom") end, nil, "b")\n'
                       'spawn("a", function()\n'
                       '  pcall(b.wait, b)\n'
                       '  error({type = "ValueError", message = "a failed"})\n'
                       'end)\n'
                       'spawn("c", function()\n'
                       '  pcall(b.wait, b)\n'
                       '  error({type = "KeyError", message = "c failed"})\n'
                       'end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        self.assertEqual(sorted(b["kind"] for b in obj["findings"]),
                         ["barrier_broken", "error", "error"], r)
        for b in obj["findings"]:
            self.assertEqual(len(b["evidence"]), 1, b)

    def test_the_headline_names_the_thread_of_the_run_shown(self):
        # w1 or w2 raises holding the lock (choose); the waiter is left
        # waiting only when w2 did: the bug is told from such a run
        s = self.write("who.lua", 'local m = Lock("m")\n'
                                  'local who = choose(2)\n'
                                  'for i = 1, 2 do spawn("w" .. i, function()\n'
                                  '  if i == who then m:acquire(); error("boom") end\n'
                                  'end) end\n'
                                  'spawn("waiter", function()\n'
                                  '  if who == 2 then m:acquire(); m:release() end\n'
                                  'end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bug = self.one_bug(obj, r)
        self.assertTrue(bug["message"].startswith("error in w2 at who.lua:4: boom, so waiter "
                                                  "at who.lua:7 waits to acquire Lock 'm', "
                                                  "held by w2, "), bug["message"])

    def test_two_failures_stay_two_bugs(self):
        # a stuck state whose waits need two threads that raised joins the
        # bug of one of them, never both errors into one bug
        s = self.write("two.lua", TWO_FAILURES)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        heads = sorted(b["message"].split(",")[0] for b in bugs if b["kind"] == "error")
        self.assertEqual(heads, ["error in holder at two.lua:5: holder failed",
                                 "error in producer at two.lua:10: producer failed"], r)
        for b in bugs:
            self.assertEqual(len(self.evidence(b, "error")), 1 if b["kind"] == "error" else 0, b)
        # every stuck state is folded: each waits for a thread that raised
        self.assertEqual([b["kind"] for b in bugs], ["error", "error"], r)

    def test_an_unrelated_error_stays_its_own_bug(self):
        # the error ends a thread nobody waits for; the Event is never set
        s = self.write("apart.lua", 'local ev = Event("go")\n'
                                    'spawn("logger", function() error("disk full") end)\n'
                                    'spawn("worker", function() ev:wait() end)\n')
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        bugs = obj["findings"]
        self.assertEqual(sorted(b["kind"] for b in bugs), ["error", "stuck"], r)
        for b in bugs:
            self.assertEqual(len(b["evidence"]), 1, b)

    def test_the_database_and_a_merge_keep_the_bug_whole(self):
        s = self.write("holder.lua", HOLDER_RAISES)
        expect = self.merged_like_whole(s, ("--strategy", "random", "--seed", "9",
                                            "--runs", "60"))
        self.assertEqual([(k, [e[:2] for e in ev]) for k, _, _, _, ev in expect],
                         [("error", [("consequence", "stuck"), ("headline", "error")])])
        rep = self.racesim("report", "all.db")
        self.assertIn("1 bug (2 observations)", rep.out, rep)

    def test_the_replay_shows_one_bug(self):
        s = self.write("holder.lua", HOLDER_RAISES)
        obj, _ = self.explore(s, "--no-db", "--strategy", "dfs")
        (bug,) = obj["findings"]
        r = self.racesim("replay", s, "--schedule", bug["shrunk"]["schedule"]
                         if "shrunk" in bug else bug["schedule"], "--json", "--no-db")
        self.assertExit(r, 1)
        rep = self.json_of(r)
        self.check_bugs(rep, r)
        self.assertEqual([self.kinds_roles(b) for b in rep["findings"]],
                         [[("error", "headline"), ("stuck", "consequence")]], r)
        # the step-by-step listing says which error, where an object goes
        t = self.racesim("replay", s, "--schedule", bug["schedule"], "--no-db")
        self.assertRegex(t.out, r"(?m)^ +\d+ +[\d.]+  holder +error +ValueError +'bad row'")


# ---- 2. the order of the bugs ----------------------------------------------

class Order(BugTest):

    def test_bugs_in_order_of_kind_then_first_run(self):
        s = self.write("many.lua", MANY)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs", "--max-steps", "200")
        bugs = obj["findings"]
        self.assertEqual([b["kind"] for b in bugs], MANY_ORDER, r)
        by = {b["kind"]: b for b in bugs}
        # the choose() branches come in the reverse order: the kind decides
        self.assertGreater(by["deadlock"]["first_run"], by["step_limit"]["first_run"])
        # error and assertion rank together: the earlier run first
        self.assertLess(by["error"]["first_run"], by["assertion"]["first_run"], r)
        self.assertEqual(self.kinds_roles(by["deadlock"]),
                         [("deadlock", "headline"), ("potential_deadlock", "evidence")], r)
        self.assertEqual(self.kinds_roles(by["lost_update"]),
                         [("assertion", "consequence"), ("data_race", "evidence"),
                          ("data_race", "evidence"), ("lost_update", "headline")], r)
        self.assertEqual(obj["bugs"], 9)
        self.assertEqual(obj["observations"], 13)
        h = self.racesim("run", s, "--no-db", "--strategy", "dfs", "--max-steps", "200")
        self.assertExit(h, 1)
        self.assertIn("9 bugs (13 observations):", h.out, h)
        self.assertEqual(re.findall(r"^\[\d+\] (\w+):", h.out, re.M), MANY_ORDER, h)


# ---- 3. JSON, check, the database, merge -------------------------------------

class Contract(BugTest):

    def test_json_evidence_fields_and_headline(self):
        s = self.write("counter.lua", COUNTER)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (b,) = obj["findings"]
        head = b["evidence"][0]
        self.assertEqual(head["role"], "headline")
        self.assertRegex(head["signature"], r"^[0-9a-f]{16}$")
        for e in b["evidence"]:
            self.assertRegex(e["signature"], r"^[0-9a-f]{16}$")
        # the bug's message is its headline's, then what followed from it
        self.assertEqual(b["message"], head["message"] + COUNTER_CHECK)
        self.assertEqual(b["first_run"], 1, r)
        self.assertIn("--schedule", b["replay"])
        self.assertIn(b["schedule"], b["replay"])

    def test_replay_of_a_bug_shows_it_whole(self):
        s = self.write("counter.lua", COUNTER)
        obj, _ = self.explore(s, "--no-db", "--strategy", "random", "--seed", "5",
                              "--runs", "100")
        (b,) = obj["findings"]
        words = shlex.split(b["replay"])
        r = self.racesim(*(words[1:] + ["--json", "--no-db"]))
        self.assertExit(r, 1)
        rep = self.json_of(r)
        self.check_bugs(rep, r)
        self.assertEqual([x["kind"] for x in rep["findings"]], ["lost_update"], r)
        self.assertTrue(rep["findings"][0]["message"].endswith(COUNTER_CHECK), r)
        self.assertEqual(self.kinds_roles(rep["findings"][0]), self.kinds_roles(b))

    def test_check_expect_met_by_a_kind_folded_into_a_bug(self):
        # A listed kind is met by evidence folded into a bug; but the bug's
        # own (headline) kind must be listed too, or others = true given.
        os.mkdir(self.path("lib"))
        self.write("lib/racy.lua",
                   'scenario{ name = "racy", expect = { "lost_update", "data_race" } }\n' + COUNTER)
        self.write("lib/checked.lua",
                   'scenario{ name = "checked", expect = { "assertion", others = true } }\n'
                   + COUNTER)
        r = self.racesim("check", "lib/racy.lua", "lib/checked.lua")
        self.assertExit(r, 0)
        for name in ("lib/racy.lua", "lib/checked.lua"):
            line = [l for l in r.out.splitlines() if name in l]
            self.assertEqual(len(line), 1, r)
            self.assertTrue(line[0].startswith("ok "), r)
            self.assertRegex(line[0], r"\b1 bug\b", r)
        self.assertIn("2 passed, 0 failed", r.out, r)
        self.write("lib/evidence_only.lua",
                   'scenario{ name = "evidence only", expect = "data_race" }\n' + COUNTER)
        r = self.racesim("check", "lib/evidence_only.lua")
        self.assertExit(r, 1)
        self.assertIn("a bug of a kind it does not list: lost_update", r.out, r)

    def test_check_verbose_lists_each_bug_and_what_it_folds_in(self):
        os.mkdir(self.path("lib"))
        self.write("lib/racy.lua",
                   'scenario{ name = "racy", expect = { "lost_update" } }\n' + COUNTER)
        r = self.racesim("check", "-v", "lib/racy.lua")
        self.assertExit(r, 0)
        lines = r.out.splitlines()
        i = next(k for k, l in enumerate(lines) if "lib/racy.lua" in l)
        self.assertRegex(lines[i], r"\b1 bug\b", r)
        head = lines[i + 1].strip()
        self.assertTrue(head.startswith("lost_update: lost update on 'counter'"), r)
        self.assertTrue(head.endswith(
            ", so the check at racy.lua:10 failed in MainThread (finally): expected 2, got 1"), r)
        folded = [l.strip() for l in lines[i + 2:i + 5]]
        self.assertEqual(sorted(l.split(":")[0] for l in folded),
                         ["+ assertion", "+ data_race", "+ data_race"], r)
        (a,) = [l for l in folded if l.startswith("+ assertion")]
        self.assertEqual(a, "+ assertion: check failed at racy.lua:10 in MainThread (finally): "
                            "expected 2, got 1")
        for d in folded:
            if d.startswith("+ data_race"):
                self.assertTrue(d.startswith("+ data_race: data race on 'counter': "), d)
        self.assertFalse(lines[i + 5].strip().startswith("+"), r)

    def test_database_bugs_agree_with_json(self):
        s = self.write("err.lua", COUNTER_AND_ERROR)
        obj, r = self.explore(s, "--db", "t.db", "--strategy", "dfs")
        xid = obj["db"]["exploration_id"]
        con = self.db("t.db")
        rows = con.execute(
            "SELECT id, rank, kind, signature, message, runs, first_run, seed, schedule, steps, "
            "preemptions, replay FROM bugs WHERE exploration_id = ? ORDER BY rank",
            (xid,)).fetchall()
        self.assertEqual(len(rows), len(obj["findings"]), rows)
        for n, (row, b) in enumerate(zip(rows, obj["findings"]), 1):
            (bid, rank, kind, sig, msg, runs, first, seed, sched, steps, pre, replay) = row
            with self.subTest(rank=rank):
                self.assertEqual(rank, n)
                self.assertEqual((kind, sig, msg, runs, first, seed, sched, steps, pre, replay),
                                 (b["kind"], b["signature"], b["message"], b["count"],
                                  b["first_run"], b["seed"], b["schedule"], b["steps"],
                                  b["preemptions"], b["replay"]))
                ev = con.execute(
                    "SELECT role, kind, signature, runs, first_run, message FROM bug_evidence "
                    "WHERE bug_id = ?", (bid,)).fetchall()
                self.assertEqual(sorted(ev), sorted(
                    (e["role"], e["kind"], e["signature"], e["count"], e["first_run"],
                     e["message"]) for e in b["evidence"]))
                # every raw observation is in findings, and the view shows its bug
                for e in b["evidence"]:
                    got = con.execute(
                        "SELECT count(DISTINCT run_idx), min(run_idx), min(role), max(role), "
                        "min(bug_kind) FROM findings_by_bug WHERE exploration_id = ? AND "
                        "bug_id = ? AND signature = ?", (xid, bid, e["signature"])).fetchone()
                    self.assertEqual(got, (e["count"], e["first_run"], e["role"], e["role"],
                                           b["kind"]), e)
        (nf,) = con.execute("SELECT count(*) FROM findings f JOIN runs r ON r.id = f.run_id "
                            "WHERE r.exploration_id = ?", (xid,)).fetchone()
        (nv,) = con.execute("SELECT count(*) FROM findings_by_bug WHERE exploration_id = ?",
                            (xid,)).fetchone()
        self.assertEqual(nf, nv, "findings rows outside findings_by_bug")
        self.assertEqual(nf, sum(e["count"] for b in obj["findings"] for e in b["evidence"]))

    def test_merge_of_shards_gives_the_same_bugs(self):
        s = self.write("err.lua", COUNTER_AND_ERROR)
        expect = self.merged_like_whole(s, ("--strategy", "random", "--seed", "42",
                                            "--runs", "200"))
        self.assertEqual([k for k, *_ in expect], ["lost_update", "error"])
        # a bug replayed from the merged database records into it, not into a shard
        con = self.db("all.db")
        try:
            replays = [r for (r,) in con.execute(
                "SELECT replay FROM bugs UNION ALL SELECT replay FROM bug_evidence")]
        finally:
            con.close()
        self.assertTrue(replays)
        for cmd in replays:
            self.assertTrue(cmd.endswith(" --db all.db"), cmd)


# ---- 4. names ---------------------------------------------------------------

class Names(BugTest):

    def test_shared_table_fields_named_as_written(self):
        s = self.write("fields.lua", FIELDS)
        obj, r = self.explore(s, "--db", "f.db", "--strategy", "dfs")
        heads = {(b["kind"], re.match(r"^[a-z ]+ on '([^']+)'", b["message"]).group(1))
                 for b in obj["findings"]}
        self.assertEqual(heads, {("lost_update", "acct.balance"), ("lost_update", "cache[42]"),
                                 ("data_race", "buf[3]")}, r)
        for b in obj["findings"]:
            for e in b["evidence"]:
                if e["kind"] in ("lost_update", "data_race"):
                    self.assertRegex(e["message"], r"^[a-z ]+ on '(acct\.balance|cache\[42\]|"
                                                   r"buf\[3\])': ", e)
        con = self.db("f.db")
        names = {n for (n,) in con.execute("SELECT DISTINCT name FROM objects WHERE kind = "
                                           "'Shared'")}
        self.assertEqual(names, {"acct.balance", "cache[42]", "buf[3]"})

    def test_unnamed_primitives_named_by_their_variable(self):
        s = self.write("pool.lua", POOL)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        self.assertIn("on Queue 'q'", obj["findings"][0]["message"], r)
        s = self.write("phil.lua", DEFAULT_NAMES)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (dl,) = [b for b in obj["findings"] if b["kind"] == "deadlock"]
        for k in (1, 2, 3):
            self.assertIn("Lock 'forks[%d]'" % k, dl["message"])
        self.assertNotIn("@", dl["message"])

    def test_default_names_are_the_same_in_every_run(self):
        s = self.write("phil.lua", DEFAULT_NAMES)
        obj, r = self.explore(s, "--db", "n.db", "--record", "all", "--strategy", "dfs")
        self.assertIs(obj["complete"], True)
        con = self.db("n.db")
        (nruns,) = con.execute("SELECT count(*) FROM runs").fetchone()
        self.assertEqual(nruns, obj["runs"])
        per_key = dict(((k, n), c) for (k, n, c) in con.execute(
            "SELECT kind, name, count(DISTINCT run_id) FROM objects GROUP BY kind, name"))
        expect = {("Queue", "q"), ("Lock", "forks[1]"), ("Lock", "forks[2]"),
                  ("Lock", "forks[3]"), ("Lock", "t.lock"), ("Event", "mine")}
        self.assertTrue(expect <= set(per_key), sorted(per_key))
        for key, runs in per_key.items():
            self.assertEqual(runs, nruns, "%s is not in every run (%d of %d)" % (key, runs, nruns))
        # each run has each of them once, but 'mine', which each of the three
        # philosophers makes running the same code: the same name, whichever
        # thread runs first (the name does not say which thread made it)
        counts = {(k, n): c for (k, n, c) in con.execute(
            "SELECT kind, name, max(c) FROM (SELECT kind, name, count(*) AS c FROM objects "
            "GROUP BY run_id, kind, name) GROUP BY kind, name")}
        self.assertEqual(counts.pop(("Event", "mine")), 3)
        self.assertEqual(set(counts.values()), {1})


# ---- 5. call paths ---------------------------------------------------------------

class CallPaths(BugTest):

    def helper_bug(self, *args):
        s = self.write("x.lua", HELPER)
        obj, r = self.explore(s, "--strategy", "dfs", *args)
        (b,) = obj["findings"]
        return s, obj, b

    def test_path_in_messages(self):
        s, obj, b = self.helper_bug("--no-db")
        self.assertEqual(b["kind"], "lost_update")
        self.assertRegex(b["message"],
                         r"^lost update on 'counter': Thread-[12] read 0 in %s, then Thread-[12] "
                         r"wrote 1 in %s, then Thread-[12] wrote 1 in %s from its stale read" % (
                             re.escape(BUMP_READ), re.escape(BUMP_WRITE), re.escape(BUMP_WRITE)))
        for d in self.evidence(b, "data_race"):
            self.assertIn(BUMP_WRITE, d["message"])

    def test_path_in_replay_listing_and_json_events(self):
        s, obj, b = self.helper_bug("--no-db")
        r = self.racesim("replay", s, "--schedule", b["schedule"], "--no-db")
        self.assertExit(r, 1)
        rows = [l for l in r.out.splitlines() if re.match(r"^\s+\d+\s+\d+\.\d{3}\s", l)]
        access = [l for l in rows if re.search(r"\s(read|write)\s+counter\s", l)
                  and "[finally]" not in l]
        self.assertEqual(len(access), 4, r)
        for l in access:
            what = BUMP_READ if " read " in l else BUMP_WRITE
            self.assertTrue(l.rstrip().endswith(what), "row %r does not end with %r" % (l, what))
        r = self.racesim("replay", s, "--schedule", b["schedule"], "--no-db", "--json")
        self.assertExit(r, 1)
        events = self.json_of(r)["events"]
        acc = [e for e in events if e["op"] in ("read", "write") and e["object"] == "counter"
               and e.get("flags") != "finally"]
        self.assertEqual(len(acc), 4, events)
        for e in acc:
            self.assertEqual(e.get("path"), BUMP_READ if e["op"] == "read" else BUMP_WRITE, e)
        yields = [e for e in events if e["op"] == "yield"]
        self.assertTrue(yields)
        for e in yields:  # at the thread's own function: the line says it all
            self.assertIsNone(e.get("path"), e)

    def test_path_in_database(self):
        s, obj, b = self.helper_bug("--db", "x.db")
        con = self.db("x.db")
        rows = con.execute("SELECT e.op, e.line, e.path FROM events e JOIN objects o ON "
                           "o.run_id = e.run_id AND o.oid = e.object WHERE o.name = 'counter' "
                           "AND e.op IN ('read', 'write') AND e.line IN (3, 4)").fetchall()
        self.assertTrue(rows)
        for op, line, path in rows:
            self.assertEqual(path, BUMP_READ if line == 3 else BUMP_WRITE, (op, line, path))

    def test_paths_of_runs_made_without_them(self):
        # An exploration's runs leave the call paths of their operations out
        # (they cost a tenth of a step); the runs it tells or records are
        # replayed with them.  Every message and every recorded event has its
        # path, with one job or two, random or dfs, and the same either way.
        s = self.write("x.lua", HELPER)
        got = {}
        for strategy in ("random", "dfs"):
            for jobs in ("1", "2"):
                db = "p-%s-%s.db" % (strategy, jobs)
                obj, r = self.explore(s, "--strategy", strategy, "--runs", "400", "--seed", "5",
                                      "--record", "failing:3", "--db", db, "--jobs", jobs)
                (b,) = obj["findings"]
                self.assertIn(BUMP_READ, b["message"])
                self.assertIn(BUMP_WRITE, b["message"])
                con = self.db(db)
                rows = con.execute(
                    "SELECT r.idx, e.step, e.line, e.path FROM events e JOIN runs r ON r.id = "
                    "e.run_id JOIN objects o ON o.run_id = e.run_id AND o.oid = e.object WHERE "
                    "o.name = 'counter' AND e.op IN ('read', 'write') AND e.line IN (3, 4) "
                    "ORDER BY r.idx, e.step").fetchall()
                recorded = con.execute("SELECT count(*) FROM runs WHERE recorded = 1").fetchone()[0]
                messages = con.execute("SELECT r.idx, f.message FROM findings f JOIN runs r ON "
                                       "r.id = f.run_id ORDER BY r.idx, f.id").fetchall()
                con.close()
                self.assertGreaterEqual(recorded, 3)
                self.assertEqual(len({i for i, _, _, _ in rows}), recorded)
                for idx, step, line, path in rows:
                    self.assertEqual(path, BUMP_READ if line == 3 else BUMP_WRITE, (idx, step))
                for idx, m in messages:
                    if "counter" in m:
                        self.assertIn(" <- worker at x.lua:8", m, (idx, m))
                got[strategy, jobs] = (b["message"], rows, messages)
            self.assertEqual(got[strategy, "1"], got[strategy, "2"])

    def test_at_most_four_frames(self):
        s = self.write("deep.lua", DEEP)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (b,) = obj["findings"]
        chain = ("f5 at deep.lua:2 <- f4 at deep.lua:3 <- f3 at deep.lua:4 <- f2 at deep.lua:5 "
                 "<- ...")
        self.assertIn("read 0 in " + chain + ", then ", b["message"])
        self.assertNotIn("f1 at", b["message"])

    def test_error_inside_with_reported_at_the_raise(self):
        s = self.write("with.lua", WITH_ERROR)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (b,) = obj["findings"]
        self.assertEqual(b["kind"], "error")
        m = b["message"]
        # at the error() call, with the with() and the function it is in
        self.assertRegex(m, r"^error in w at with\.lua:5 <- with\(\) in critical at with\.lua:3: "
                            r"boom$")

    def test_error_under_close_reported_at_the_raise(self):
        s = self.write("close.lua", CLOSE_ERROR)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        (b,) = obj["findings"]
        self.assertEqual(b["kind"], "error")
        m = b["message"]
        self.assertTrue(m.startswith("ValueError escaped w "), m)
        self.assertTrue(m.endswith(": closed boom"), m)
        self.assertIn("critical at close.lua:5 <- close.lua:8", m)
        self.assertNotIn("close.lua:3", m)  # not where the lock was taken (or closed)

    def test_helper_paths_read_like_the_other_messages(self):
        # A lost update says "read 0 in bump at x.lua:3 <- worker at x.lua:8";
        # a failed check or an error in a named helper should read the same
        # way, not "at verify at ...".
        s = self.write("h.lua", HELPER_FAILURES)
        obj, r = self.explore(s, "--no-db", "--strategy", "dfs")
        msgs = {b["kind"]: b["message"] for b in obj["findings"]}
        self.assertEqual(set(msgs), {"assertion", "error"}, r)
        self.assertIn("verify at h.lua:2 <- h.lua:8", msgs["assertion"])
        self.assertIn("explode at h.lua:5 <- h.lua:11", msgs["error"])
        for m in msgs.values():
            self.assertNotRegex(m, r"\bat (verify|explode) at\b", "reads wrong: %s" % m)


# ---- 7. --stop-first -------------------------------------------------------------

class StopFirst(BugTest):

    def test_stops_at_the_first_bug_not_the_first_race(self):
        s = self.write("counter.lua", COUNTER)
        obj, r = self.explore(s, "--no-db", "--strategy", "random", "--seed", "1",
                              "--stop-first")
        self.assertIn("lost_update", [b["kind"] for b in obj["findings"]], r)
        (b,) = [b for b in obj["findings"] if b["kind"] == "lost_update"]
        self.assertGreater(b["first_run"], 0, "run 0 loses no update with this seed\n%r" % r)
        self.assertEqual(obj["runs"], b["first_run"] + 1, r)
        self.assertTrue(b["message"].endswith(COUNTER_CHECK), b["message"])

    def test_stops_at_the_first_race_with_only_the_race_detector(self):
        s = self.write("counter.lua", COUNTER)
        obj, r = self.explore(s, "--no-db", "--strategy", "random", "--seed", "1",
                              "--stop-first", "--detectors", "data_race")
        self.assertEqual(obj["runs"], 1, r)
        self.assertEqual([b["kind"] for b in obj["findings"]], ["data_race"], r)
        self.assertEqual(obj["findings"][0]["first_run"], 0)


# ---- 9. the replay line, as printed ----------------------------------------------

class Newcomer(BugTest):

    def setUp(self):
        super().setUp()
        os.makedirs(self.path("bin"))
        os.makedirs(self.path("work", "sub"))
        os.symlink(RACESIM, self.path("bin", "racesim"))
        self.write(os.path.join("work", "counter.lua"), COUNTER)
        self.work = self.path("work")

    def run_relative(self, *args):
        cmd = ["../bin/racesim"] + list(args)
        p = subprocess.run(cmd, cwd=self.work, capture_output=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
        return Result(cmd, p.returncode, _decode(p.stdout), _decode(p.stderr), self.work)

    def replay_lines(self, r):
        return [l.strip()[len("replay: "):] for l in r.out.splitlines()
                if l.strip().startswith("replay: ")]

    def shell(self, line):
        p = subprocess.run(line, shell=True, cwd=self.work, capture_output=True,
                           timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        return Result([line], p.returncode, _decode(p.stdout), _decode(p.stderr), self.work)

    def test_replay_line_works_as_printed(self):
        r = self.run_relative("run", "counter.lua", "--db", "sub/x.db", "--seed", "7",
                              "--runs", "50")
        self.assertExit(r, 1)
        lines = self.replay_lines(r)
        self.assertEqual(len(lines), 1, r)
        line = lines[0]
        self.assertTrue(line.startswith("../bin/racesim replay counter.lua "), line)
        self.assertIn("--db sub/x.db", line)
        p = self.shell(line)
        self.assertExit(p, 1)
        self.assertIn("1 bug (4 observations):", p.out, p)
        self.assertIn("[1] lost_update: ", p.out, p)
        self.assertIn(COUNTER_CHECK, p.out, p)
        self.assertFalse(os.path.exists(os.path.join(self.work, "racesim.db")),
                         "the replay wrote racesim.db instead of sub/x.db")
        con = sqlite3.connect(os.path.join(self.work, "sub", "x.db"))
        self.addCleanup(con.close)
        got = con.execute("SELECT strategy, runs FROM explorations ORDER BY id").fetchall()
        self.assertEqual(got, [("random", 50), ("replay", 1)])

    def test_replay_line_with_no_db(self):
        r = self.run_relative("run", "counter.lua", "--no-db", "--seed", "7", "--runs", "50")
        self.assertExit(r, 1)
        (line,) = self.replay_lines(r)
        self.assertTrue(line.startswith("../bin/racesim replay counter.lua "), line)
        self.assertIn("--no-db", shlex.split(line))
        p = self.shell(line)
        self.assertExit(p, 1)
        self.assertIn("[1] lost_update: ", p.out, p)
        self.assertEqual(sorted(os.listdir(self.work)), ["counter.lua", "sub"])
        self.assertEqual(os.listdir(os.path.join(self.work, "sub")), [])


# ---- main ------------------------------------------------------------------------

def main():
    global RACESIM
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        print("usage: %s PATH/TO/racesim [unittest options]" % sys.argv[0], file=sys.stderr)
        return 2
    RACESIM = os.path.abspath(sys.argv[1])
    if not os.access(RACESIM, os.X_OK):
        print("%s: not an executable" % RACESIM, file=sys.stderr)
        return 2
    prog = unittest.main(argv=[sys.argv[0]] + sys.argv[2:], exit=False, verbosity=2)
    res = prog.result
    bad = res.failures + res.errors
    if bad:
        print("\nFAILED BUG TESTS:", file=sys.stderr)
        for test, _ in bad:
            print("  " + test.id(), file=sys.stderr)
    return 0 if res.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
