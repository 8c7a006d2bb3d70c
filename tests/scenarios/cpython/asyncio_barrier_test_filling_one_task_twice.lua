-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_filling_one_task_twice.
scenario{ name = "asyncio BarrierTests.test_filling_one_task_twice", mode = "async", expect = "clean" }
local barrier = Barrier(1)
local r1, r2 = shared("r1", -1), shared("r2", -1)
local t1 = spawn(function() r1:set(barrier:wait()) end)
yield()
check(barrier.n_waiting == 0)
local t2 = spawn(function() r2:set(barrier:wait()) end)
yield()
check(r1:get() == r2:get() and r1:get() == 0, "both got index 0")
check(not t1:is_alive() and not t2:is_alive(), "both done")
check(barrier.n_waiting == 0 and not barrier.broken)
