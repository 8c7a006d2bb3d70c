-- CPython Lib/test/test_asyncio/test_locks.py:
-- BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again.
scenario{ name = "asyncio BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again",
          mode = "async", expect = "barrier_broken" }
local N = 5
local barrier = Barrier(N)
local results1, results2 = shared("results1", 0), shared("results2", 0)
local ts = {}
for k = 1, N - 1 do
  ts[k] = spawn(function()
    local ok, e = pcall(barrier.wait, barrier)
    if not ok and e.type == "BrokenBarrierError" then results1:add(1) end
    barrier:wait() -- (the finally: clause)
    results2:add(1)
  end)
end
spawn(function() barrier:reset() end)
yield()
spawn(function() barrier:wait() results2:add(1) end)
for _, t in ipairs(ts) do t:join() end
check(not barrier.broken)
check(results1:get() == N - 1, "results1 %d", results1:get())
check(results2:get() == N, "results2 %d", results2:get())
check(barrier.n_waiting == 0)
