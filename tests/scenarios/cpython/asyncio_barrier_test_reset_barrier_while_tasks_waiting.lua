-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_reset_barrier_while_tasks_waiting
-- (its check that repr() no longer says "resetting" is left out).
scenario{ name = "asyncio BarrierTests.test_reset_barrier_while_tasks_waiting", mode = "async",
          expect = "barrier_broken" }
local N = 5
local barrier = Barrier(N)
local results = shared("results", 0)
local ts = {}
for k = 1, N - 1 do
  ts[k] = spawn(function()
    local ok, e = pcall(barrier.wait, barrier)
    if not ok and e.type == "BrokenBarrierError" then results:add(1) end
  end)
end
yield()
spawn(function() barrier:reset() end)
for _, t in ipairs(ts) do t:join() end
check(results:get() == N - 1, "%d got BrokenBarrierError", results:get())
check(barrier.n_waiting == 0 and not barrier.broken)
