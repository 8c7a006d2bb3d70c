-- asyncio's timeouts are floats of the event loop's clock: a timeout too
-- large for threading (inf, 1e100) is no error in async mode, it waits
-- as long as it takes (tests/scenarios/timeout_overflow.lua for threads).
-- A float maxsize works as in queue.Queue.
scenario{ name = "async: no OverflowError", mode = "async", expect = "clean" }
local l = Lock()
check(l:acquire(true, 1e100))
local ev = Event()
spawn(function() sleep(5) ev:set() end)
check(ev:wait(math.huge) and now() == 5, "waited for the set()")
local q = Queue(2.5)
for i = 1, 3 do q:put_nowait(i) end
check(q:full(), "3 items of 2.5")
