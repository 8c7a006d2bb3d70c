-- CPython Lib/test/test_asyncio/test_locks.py:
-- BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking
-- (its check of repr() is left out).  The third task out aborts the
-- barrier: the two still draining get BrokenBarrierError, and so do the two
-- that already wait again.
scenario{ name = "asyncio BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking",
          mode = "async", expect = "barrier_broken" }
local N = 5
local blocking_tasks = N // 2
local barrier = Barrier(N)
local results1, results2, count = shared("results1", 0), shared("results2", 0), shared("count", 0)
local ts = {}
for k = 1, N do
  ts[k] = spawn(function()
    local ok, e = pcall(barrier.wait, barrier)
    if not ok then
      check(e.type == "BrokenBarrierError", "%s", e.type)
      results1:add(1)
    else
      count:add(1)
      if count:get() > blocking_tasks then
        barrier:abort()
      else
        if not pcall(barrier.wait, barrier) then results2:add(1) end
      end
    end
  end)
end
for _, t in ipairs(ts) do t:join() end
check(barrier.broken)
check(results1:get() == blocking_tasks, "results1 %d", results1:get())
check(results2:get() == N - blocking_tasks - 1, "results2 %d", results2:get())
check(barrier.n_waiting == 0)
