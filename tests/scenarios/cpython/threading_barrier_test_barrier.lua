-- CPython Lib/test/lock_tests.py: BarrierTests.test_barrier
-- (a barrier passed in lockstep, 1 time(s)).
scenario{ name = "threading BarrierTests.test_barrier", expect = "clean" }
local N = 3 -- (3 parties instead of 5, so that dfs can explore them)
local barrier = Barrier(N, nil, 2.0, "barrier") -- setUp: a default timeout of 2 s
local function run_threads(f)
  local ts = {}
  for k = 1, N - 1 do ts[k] = spawn(f) end
  f()
  for _, t in ipairs(ts) do t:join() end
end
local r0, r1 = shared("r0", 0, { atomic = true }), shared("r1", 0, { atomic = true })
run_threads(function()
  for i = 0, 1 - 1 do
    r0:add(1)
    check(r1:get() == i * N, "r1 %d at pass %d", r1:get(), i)
    barrier:wait()
    r1:add(1)
    check(r0:get() == (i + 1) * N, "r0 %d at pass %d", r0:get(), i)
    barrier:wait()
  end
  check(barrier.n_waiting == 0 and not barrier.broken)
end)
