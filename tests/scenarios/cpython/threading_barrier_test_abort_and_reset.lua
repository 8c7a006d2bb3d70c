-- CPython Lib/test/lock_tests.py: BarrierTests.test_abort_and_reset.
scenario{ name = "threading BarrierTests.test_abort_and_reset", expect = "barrier_broken" }
local N = 3 -- (3 parties instead of 5, so that dfs can explore them)
local barrier = Barrier(N, nil, 2.0, "barrier") -- setUp: a default timeout of 2 s
local function run_threads(f)
  local ts = {}
  for k = 1, N - 1 do ts[k] = spawn(f) end
  f()
  for _, t in ipairs(ts) do t:join() end
end
local barrier2 = Barrier(N, nil, nil, "barrier2")
local r1, r2, r3 = shared("r1", 0, { atomic = true }), shared("r2", 0, { atomic = true }),
                   shared("r3", 0, { atomic = true })
run_threads(function()
  local ok, e = pcall(function()
    local i = barrier:wait()
    if i == N // 2 then error({ type = "RuntimeError", message = "" }) end
    barrier:wait()
    r1:add(1)
  end)
  if not ok and e.type == "BrokenBarrierError" then r2:add(1)
  elseif not ok and e.type == "RuntimeError" then barrier:abort() end
  if barrier2:wait() == N // 2 then barrier:reset() end
  barrier2:wait()
  barrier:wait()
  r3:add(1)
end)
check(r1:get() == 0 and r2:get() == N - 1 and r3:get() == N, "%d %d %d", r1:get(), r2:get(), r3:get())
