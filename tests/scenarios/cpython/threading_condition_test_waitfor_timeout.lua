-- CPython Lib/test/lock_tests.py: ConditionTests.test_waitfor_timeout.
-- Only three increments: state == 4 never holds, and wait_for times out.
scenario{ name = "threading ConditionTests.test_waitfor_timeout", expect = "clean" }
local cond = Condition()
local state = shared("state", 0)
local success = shared("success", 0)
local t = spawn(function()
  cond:with(function()
    local t1 = now()
    local result = cond:wait_for(function() return state:get() == 4 end, 0.1)
    check(not result and now() - t1 >= 0.1, "timed out")
    success:set(1)
  end)
end)
for _ = 1, 3 do
  sleep(0.01)
  cond:with(function() state:set(state:get() + 1) cond:notify() end)
end
t:join()
check(success:get() == 1)
