-- CPython Lib/test/lock_tests.py: BarrierTests.test_action.
scenario{ name = "threading BarrierTests.test_action", expect = "clean" }
local N = 3 -- (3 parties instead of 5, so that dfs can explore them)
local barrier = Barrier(N, nil, 2.0, "barrier") -- setUp: a default timeout of 2 s
local function run_threads(f)
  local ts = {}
  for k = 1, N - 1 do ts[k] = spawn(f) end
  f()
  for _, t in ipairs(ts) do t:join() end
end
local results = shared("results", 0, { atomic = true })
local b = Barrier(N, function() results:add(1) end)
run_threads(function()
  b:wait()
  check(results:get() == 1, "the action ran once before anyone passed")
end)
