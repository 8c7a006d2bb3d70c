-- asyncio's Lock.release() wakes the first waiter and leaves the lock unlocked
-- until that task runs and takes it: meanwhile locked() is false, a second
-- release() raises RuntimeError("Lock is not acquired."), and nobody else may
-- take it (before, racesim handed the lock over at once: locked() was true
-- and the second release() released the waiter's lock).
scenario{ name = "asyncio Lock between release and the waiter", mode = "async", expect = "clean" }
local lock = Lock()
lock:acquire()
local got = shared("got", false)
local w = spawn(function() lock:acquire() got:set(true) lock:release() end)
yield()
lock:release()          -- wakes w, which has not run yet
check(not lock:locked(), "asyncio: unlocked until the waiter runs")
local ok, e = pcall(lock.release, lock)
check(not ok and e.type == "RuntimeError" and e.message == "Lock is not acquired.", "a second release raises")
check(lock:acquire(false) == false, "and nobody else may take it")
w:join()
check(got:get())
