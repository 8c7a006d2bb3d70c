-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_filling_tasks_check_return_value.
scenario{ name = "asyncio BarrierTests.test_filling_tasks_check_return_value", mode = "async",
          expect = "clean" }
local N = 5
local barrier = Barrier(N)
local seen = shared_table("seen")
local ts = {}
for k = 1, N do
  ts[k] = spawn(function()
    barrier:wait()
    local i = barrier:wait()
    seen[i] = (seen[i] or 0) + 1
  end)
end
for _, t in ipairs(ts) do t:join() end
for i = 0, N - 1 do check(seen[i] == 1, "index %d returned once", i) end
check(barrier.n_waiting == 0 and not barrier.broken)
