-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_wait_for.
scenario{ name = "asyncio ConditionTests.test_wait_for", mode = "async", expect = "clean" }
local cond = Condition()
local presult = shared("presult", false)
local result = shared("result", "")
local t = spawn(function()
  cond:acquire()
  if cond:wait_for(function() return presult:get() end) then
    result:set(result:get() .. "1")
    cond:release()
  end
  return true
end)
yield()
check(result:get() == "", "waiting")
cond:acquire()
cond:notify()
cond:release()
yield()
check(result:get() == "", "woken, the predicate is still false")
presult:set(true)
cond:acquire()
cond:notify()
cond:release()
yield()
check(result:get() == "1", "the predicate is true: %s", result:get())
check(not t:is_alive())
