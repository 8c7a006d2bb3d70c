-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_reset_barrier_while_tasks_draining.
-- The last task out of the barrier resets it, when nobody is inside: no
-- error for anyone; then all fill it twice more.
scenario{ name = "asyncio BarrierTests.test_reset_barrier_while_tasks_draining", mode = "async",
          expect = "clean" }
local N = 5
local barrier = Barrier(N)
local results1, results2, results3 = shared("r1", 0), shared("r2", 0), shared("r3", 0)
local count = shared("count", 0)
local ts = {}
for k = 1, N do
  ts[k] = spawn(function()
    barrier:wait()
    count:add(1)
    if count:get() == N then
      barrier:reset()
      barrier:wait()
    else
      if pcall(barrier.wait, barrier) then results1:add(1) else results2:add(1) end
    end
    barrier:wait()
    results3:add(1)
  end)
end
for _, t in ipairs(ts) do t:join() end
check(not barrier.broken)
check(results1:get() == N - 1 and results2:get() == 0 and results3:get() == N,
      "%d %d %d", results1:get(), results2:get(), results3:get())
check(barrier.n_waiting == 0)
