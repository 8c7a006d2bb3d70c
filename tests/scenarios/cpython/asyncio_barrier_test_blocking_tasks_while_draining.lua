-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_blocking_tasks_while_draining.
-- After the first round, two tasks wait at the barrier again at once; they
-- must block while it drains, so that the other three can pass a second
-- barrier of three and then fill the first one again.
scenario{ name = "asyncio BarrierTests.test_blocking_tasks_while_draining", mode = "async",
          expect = "clean" }
local N, rewait = 5, 2
local barrier, barrier_nowaiting = Barrier(N), Barrier(N - rewait)
local rewait_n = shared("rewait_n", rewait)
local ts = {}
for k = 1, N do
  ts[k] = spawn(function()
    barrier:wait()
    if rewait_n:get() > 0 then
      rewait_n:set(rewait_n:get() - 1)
      barrier:wait()
    else
      barrier_nowaiting:wait()
      barrier:wait()
    end
  end)
end
for _, t in ipairs(ts) do t:join() end
