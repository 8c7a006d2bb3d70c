-- CPython Lib/test/lock_tests.py: BarrierTests.test_wait_return.
scenario{ name = "threading BarrierTests.test_wait_return", expect = "clean" }
local N = 3 -- (3 parties instead of 5, so that dfs can explore them)
local barrier = Barrier(N, nil, 2.0, "barrier") -- setUp: a default timeout of 2 s
local function run_threads(f)
  local ts = {}
  for k = 1, N - 1 do ts[k] = spawn(f) end
  f()
  for _, t in ipairs(ts) do t:join() end
end
local sum = shared("sum", 0, { atomic = true })
run_threads(function() sum:add(barrier:wait()) end)
check(sum:get() == N * (N - 1) // 2, "sum of the indices %d", sum:get())
