-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_abort_barrier.
-- (abort() with nobody waiting breaks nobody: not a barrier_broken finding.)
scenario{ name = "asyncio BarrierTests.test_abort_barrier", mode = "async", expect = "clean" }
local barrier = Barrier(1)
spawn(function() barrier:abort() end)
yield()
check(barrier.n_waiting == 0 and barrier.broken)
