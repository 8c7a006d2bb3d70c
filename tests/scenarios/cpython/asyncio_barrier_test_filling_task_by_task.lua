-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_filling_task_by_task
-- (its checks of "filling" in repr() are left out).
scenario{ name = "asyncio BarrierTests.test_filling_task_by_task", mode = "async", expect = "clean" }
local barrier = Barrier(3)
local t1 = spawn(function() barrier:wait() end)
yield()
check(barrier.n_waiting == 1)
local t2 = spawn(function() barrier:wait() end)
yield()
check(barrier.n_waiting == 2)
local t3 = spawn(function() barrier:wait() end)
yield()
for _, t in ipairs{ t1, t2, t3 } do t:join() end
check(barrier.n_waiting == 0 and not barrier.broken)
