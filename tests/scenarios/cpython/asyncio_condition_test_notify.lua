-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_notify.
-- notify(1) wakes the oldest waiter; notify(1) then notify(2048) wake the
-- other two, who then run in the order they waited.
scenario{ name = "asyncio ConditionTests.test_notify", mode = "async", expect = "clean" }
local cond = Condition()
local result = shared("result", "")
local function c(i)
  return function()
    cond:acquire()
    if cond:wait() then
      result:set(result:get() .. i)
      cond:release()
    end
    return true
  end
end
local ts = { spawn(c(1)), spawn(c(2)), spawn(c(3)) }
yield()
check(result:get() == "", "all wait")
cond:acquire()
cond:notify(1)
cond:release()
yield()
check(result:get() == "1", "one woken: %s", result:get())
cond:acquire()
cond:notify(1)
cond:notify(2048)
cond:release()
yield()
check(result:get() == "123", "the rest in order: %s", result:get())
for _, t in ipairs(ts) do check(not t:is_alive(), "%s is done", t.name) end
