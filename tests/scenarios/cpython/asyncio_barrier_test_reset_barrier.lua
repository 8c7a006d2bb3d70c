-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_reset_barrier.
scenario{ name = "asyncio BarrierTests.test_reset_barrier", mode = "async", expect = "clean" }
local barrier = Barrier(1)
spawn(function() barrier:reset() end)
yield()
check(barrier.n_waiting == 0 and not barrier.broken)
