-- abort() of a barrier nobody waits on breaks nobody: not a barrier_broken
-- finding (README, Findings: "abort() or reset() was called while threads
-- waited").  A later wait() gets BrokenBarrierError, as in Python.
scenario{ name = "Barrier.abort() with nobody waiting", expect = "clean" }
local b = Barrier(2, nil, nil, "b")
b:abort()
check(b.broken, "aborted")
local ok, err = pcall(b.wait, b)
check(not ok and err.type == "BrokenBarrierError", "a wait after abort()")
b:reset()
check(not b.broken, "reset() mends it")
