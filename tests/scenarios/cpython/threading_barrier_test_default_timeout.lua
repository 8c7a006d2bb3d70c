-- CPython Lib/test/lock_tests.py: BarrierTests.test_default_timeout.
scenario{ name = "threading BarrierTests.test_default_timeout", expect = "barrier_broken" }
local N = 3 -- (3 parties instead of 5, so that dfs can explore them)
local barrier = Barrier(N, nil, 2.0, "barrier") -- setUp: a default timeout of 2 s
local function run_threads(f)
  local ts = {}
  for k = 1, N - 1 do ts[k] = spawn(f) end
  f()
  for _, t in ipairs(ts) do t:join() end
end
local b = Barrier(N, nil, 0.3, "b") -- a low default timeout
run_threads(function()
  local i = b:wait()
  if i == N // 2 then sleep(1.0) end -- later than the default timeout
  local ok, e = pcall(b.wait, b)
  check(not ok and e.type == "BrokenBarrierError", "BrokenBarrierError")
end)
