-- CPython Lib/test/lock_tests.py: EventTests.test_notify
-- (N = 3 threads instead of 5, so that dfs explores them all).
-- Every waiter is woken by set(), twice over, the second time after an
-- explicit clear().
scenario{ name = "threading EventTests.test_notify", expect = "clean" }
local evt = Event()
local N = 3
local function check_notify()
  local results1 = shared("results1", 0, { atomic = true })
  local results2 = shared("results2", 0, { atomic = true })
  local ts = {}
  for k = 1, N do
    ts[k] = spawn(function()
      if evt:wait() then results1:add(1) end
      if evt:wait() then results2:add(1) end
    end)
  end
  sleep(0.01)
  check(results1:get() == 0)
  evt:set()
  for _, t in ipairs(ts) do t:join() end
  check(results1:get() == N and results2:get() == N, "%d %d", results1:get(), results2:get())
end
check_notify()
evt:set()
evt:clear()
check_notify()
