-- Timeouts Python's clock cannot hold raise OverflowError, as in CPython
-- 3.11 on POSIX: threading.TIMEOUT_MAX is 9223372036.854775 s; beyond
-- _PyTime_t (inf, 1e100, TIMEOUT_MAX + 1) the message is "timestamp too
-- large to convert to C _PyTime_t".  _thread's Lock.acquire converts its
-- timeout before anything else; Semaphore, Event, Queue, Barrier and
-- Condition wait through a lock only where they have to wait, and raise
-- only then.  (asyncio takes any float: async mode never raises this.)
-- Their negative timeouts give up at once, as Condition.wait's do; before,
-- racesim raised ValueError for them.
scenario{ name = "OverflowError timeouts", expect = "clean" }
local TIMEOUT_MAX = 9223372036.854775
local function overflows(f, ...)
  local ok, e = pcall(f, ...)
  return not ok and e.type == "OverflowError" and e.message
end
local TS = "timestamp too large to convert to C _PyTime_t"
for _, mk in ipairs{ Lock, RLock } do
  local l = mk()
  check(overflows(l.acquire, l, true, 1e100) == TS, "1e100")
  check(overflows(l.acquire, l, true, math.huge) == TS, "inf")
  check(overflows(l.acquire, l, true, -math.huge) == TS, "-inf")
  check(overflows(l.acquire, l, true, TIMEOUT_MAX + 1) == TS, "TIMEOUT_MAX + 1")
  check(overflows(l.acquire, l, false, 1e100) == TS, "converted before the blocking check")
  check(l:acquire(true, TIMEOUT_MAX), "TIMEOUT_MAX itself is a timeout")
  l:release()
  check(not l:locked(), "an overflowing acquire takes nothing")
end
local s = Semaphore(1)
check(s:acquire(true, math.huge), "a free Semaphore does not wait")
check(overflows(s.acquire, s, true, math.huge) == TS, "a taken one would")
check(s:acquire(true, -math.huge) == false, "a negative timeout does not wait")
local ev = Event()
check(overflows(ev.wait, ev, 1e100) == TS, "an unset Event waits")
check(ev:wait(-1) == false, "a negative timeout gives up at once (Condition.wait)")
ev:set()
check(ev:wait(1e100), "a set one does not")
local q = Queue(1)
check(overflows(q.get, q, true, math.huge) == TS, "get() on an empty queue")
q:put(1, true, math.huge)
check(overflows(q.put, q, 2, true, math.huge) == TS, "put() on a full queue")
check(q:get(true, math.huge) == 1, "get() with an item")
local c = Condition()
c:acquire()
check(overflows(c.wait, c, math.huge) == TS, "Condition.wait always waits")
check(c:wait(-math.huge) == false, "but not with a negative timeout")
c:release()
local b = Barrier(1)
check(b:wait(math.huge) == 0, "the last arrival does not wait")
local b2 = Barrier(2)
check(overflows(b2.wait, b2, math.huge) == TS, "an early one does")
check(b2.n_waiting == 0 and not b2.broken, "and leaves the barrier whole")
