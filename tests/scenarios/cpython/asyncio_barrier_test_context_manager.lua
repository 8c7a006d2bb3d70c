-- CPython Lib/test/test_asyncio/test_locks.py: BarrierTests.test_context_manager
-- (`async with barrier as i` is i = barrier:wait()).
scenario{ name = "asyncio BarrierTests.test_context_manager", mode = "async", expect = "clean" }
local N = 3
local barrier = Barrier(N)
local seen = shared_table("seen")
local ts = {}
for k = 1, N do ts[k] = spawn(function() local i = barrier:wait() seen[i] = true end) end
for _, t in ipairs(ts) do t:join() end
for i = 0, N - 1 do check(seen[i], "index %d returned once", i) end
check(barrier.n_waiting == 0 and not barrier.broken)
