-- CPython Lib/test/test_asyncio/test_locks.py:
-- BarrierTests.test_abort_barrier_when_exception_then_resetting.
scenario{ name = "asyncio BarrierTests.test_abort_barrier_when_exception_then_resetting",
          mode = "async", expect = "barrier_broken" }
local N = 5
local barrier1, barrier2 = Barrier(N, nil, nil, "barrier1"), Barrier(N, nil, nil, "barrier2")
local results1, results2, results3 = shared("r1", 0), shared("r2", 0), shared("r3", 0)
local ts = {}
for k = 1, N do
  ts[k] = spawn(function()
    local ok, e = pcall(function()
      local i = barrier1:wait()
      if i == N // 2 then error({ type = "RuntimeError", message = "" }) end
      barrier1:wait()
      results1:add(1)
    end)
    if not ok and e.type == "BrokenBarrierError" then results2:add(1)
    elseif not ok and e.type == "RuntimeError" then barrier1:abort() end
    -- everyone out of barrier1 before the reset, and nobody in it before
    if barrier2:wait() == N // 2 then barrier1:reset() end
    barrier2:wait()
    barrier1:wait()
    results3:add(1)
  end)
end
for _, t in ipairs(ts) do t:join() end
check(not barrier1.broken)
check(results1:get() == 0 and results2:get() == N - 1 and results3:get() == N,
      "%d %d %d", results1:get(), results2:get(), results3:get())
check(barrier1.n_waiting == 0)
