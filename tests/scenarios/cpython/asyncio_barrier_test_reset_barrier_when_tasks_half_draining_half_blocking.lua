-- CPython Lib/test/test_asyncio/test_locks.py:
-- BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking
-- (its check of repr() is left out).  Five tasks pass; the first two out
-- wait again (blocked while it drains); the third resets the barrier while
-- the last two still drain: they get BrokenBarrierError (asyncio's reset()
-- breaks a draining barrier) and wait again; the two blocked ones never
-- see an error, and the five fill the barrier again.
scenario{ name = "asyncio BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking",
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
      barrier:wait()
    else
      count:add(1)
      if count:get() > blocking_tasks then
        barrier:reset()
        barrier:wait()
      else
        local ok2 = pcall(barrier.wait, barrier)
        if not ok2 then results2:add(1) end
      end
    end
  end)
end
for _, t in ipairs(ts) do t:join() end
check(results1:get() == blocking_tasks, "%d draining tasks broken", results1:get())
check(results2:get() == 0, "%d blocked tasks broken", results2:get())
check(barrier.n_waiting == 0 and not barrier.broken)
