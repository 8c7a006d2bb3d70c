-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_filling_tasks_wait_twice.
scenario{ name = "asyncio BarrierTests.test_filling_tasks_wait_twice", mode = "async", expect = "clean" }
local N = 5
local barrier = Barrier(N)
local first, second = shared("first", 0), shared("second", 0)
local ts = {}
for k = 1, N do
  ts[k] = spawn(function()
    barrier:wait()
    first:add(1)
    barrier:wait()
    second:add(1)
  end)
end
for _, t in ipairs(ts) do t:join() end
check(first:get() == N and second:get() == N, "%d and %d", first:get(), second:get())
check(barrier.n_waiting == 0 and not barrier.broken)
