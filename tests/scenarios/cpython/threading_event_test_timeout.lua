-- CPython Lib/test/lock_tests.py: EventTests.test_timeout
-- (N = 3 threads instead of 5).
scenario{ name = "threading EventTests.test_timeout", expect = "clean" }
local evt = Event()
local N = 3
local function run(expect)
  local r1, r2 = shared("r1", 0, { atomic = true }), shared("r2", 0, { atomic = true })
  local ts = {}
  for k = 1, N do
    ts[k] = spawn(function()
      if evt:wait(0.0) == expect then r1:add(1) end
      local t1 = now()
      local r = evt:wait(0.5)
      if r == expect and (expect or now() - t1 == 0.5) then r2:add(1) end
    end)
  end
  for _, t in ipairs(ts) do t:join() end
  check(r1:get() == N and r2:get() == N, "%d %d", r1:get(), r2:get())
end
run(false)
evt:set()
run(true)
