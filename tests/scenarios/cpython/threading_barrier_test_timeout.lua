-- CPython Lib/test/lock_tests.py: BarrierTests.test_timeout.
-- One thread is late; the others' wait(0.5) times out and breaks the
-- barrier: everyone gets BrokenBarrierError.
scenario{ name = "threading BarrierTests.test_timeout", expect = "barrier_broken" }
local N = 3 -- (3 parties instead of 5, so that dfs can explore them)
local barrier = Barrier(N, nil, 2.0, "barrier") -- setUp: a default timeout of 2 s
local function run_threads(f)
  local ts = {}
  for k = 1, N - 1 do ts[k] = spawn(f) end
  f()
  for _, t in ipairs(ts) do t:join() end
end
run_threads(function()
  local i = barrier:wait()
  if i == N // 2 then sleep(1.0) end
  local ok, e = pcall(barrier.wait, barrier, 0.5)
  check(not ok and e.type == "BrokenBarrierError", "BrokenBarrierError")
end)
