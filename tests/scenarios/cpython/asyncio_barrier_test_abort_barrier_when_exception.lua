-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_abort_barrier_when_exception.
-- The task that gets index N // 2 raises and aborts; every other task gets
-- BrokenBarrierError at its second wait.
scenario{ name = "asyncio BarrierTests.test_abort_barrier_when_exception", mode = "async",
          expect = "barrier_broken" }
local N = 5
local barrier = Barrier(N)
local results1, results2 = shared("results1", 0), shared("results2", 0)
local ts = {}
for k = 1, N do
  ts[k] = spawn(function()
    local ok, e = pcall(function()
      local i = barrier:wait()
      if i == N // 2 then error({ type = "RuntimeError", message = "" }) end
      barrier:wait()
      results1:add(1)
    end)
    if not ok and e.type == "BrokenBarrierError" then results2:add(1)
    elseif not ok and e.type == "RuntimeError" then barrier:abort() end
  end)
end
for _, t in ipairs(ts) do t:join() end
check(barrier.broken)
check(results1:get() == 0 and results2:get() == N - 1, "%d %d", results1:get(), results2:get())
check(barrier.n_waiting == 0)
