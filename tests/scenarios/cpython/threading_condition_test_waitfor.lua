-- CPython Lib/test/lock_tests.py: ConditionTests.test_waitfor.
scenario{ name = "threading ConditionTests.test_waitfor", expect = "clean" }
local cond = Condition()
local state = shared("state", 0)
local t = spawn(function()
  cond:with(function()
    local result = cond:wait_for(function() return state:get() == 4 end)
    check(result and state:get() == 4)
  end)
end)
for _ = 1, 4 do
  sleep(0.01)
  cond:with(function() state:set(state:get() + 1) cond:notify() end)
end
t:join()
