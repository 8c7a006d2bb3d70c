-- CPython Lib/test/lock_tests.py: BarrierTests.test_reset.
scenario{ name = "threading BarrierTests.test_reset", expect = "barrier_broken" }
local N = 3 -- (3 parties instead of 5, so that dfs can explore them)
local barrier = Barrier(N, nil, 2.0, "barrier") -- setUp: a default timeout of 2 s
local function run_threads(f)
  local ts = {}
  for k = 1, N - 1 do ts[k] = spawn(f) end
  f()
  for _, t in ipairs(ts) do t:join() end
end
local r1, r2, r3 = shared("r1", 0, { atomic = true }), shared("r2", 0, { atomic = true }),
                   shared("r3", 0, { atomic = true })
run_threads(function()
  local i = barrier:wait()
  if i == N // 2 then
    while barrier.n_waiting < N - 1 do sleep(0.001) end -- all the others are in
    barrier:reset()
  else
    if pcall(barrier.wait, barrier) then r1:add(1) else r2:add(1) end
  end
  barrier:wait() -- pass it again
  r3:add(1)
end)
check(r1:get() == 0 and r2:get() == N - 1 and r3:get() == N, "%d %d %d", r1:get(), r2:get(), r3:get())
