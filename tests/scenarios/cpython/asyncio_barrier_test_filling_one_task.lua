-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_filling_one_task.
scenario{ name = "asyncio BarrierTests.test_filling_one_task", mode = "async", expect = "clean" }
local barrier = Barrier(1)
check(barrier:wait() == 0)
check(barrier.n_waiting == 0 and not barrier.broken)
