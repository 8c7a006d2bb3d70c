-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_notify_all.
scenario{ name = "asyncio ConditionTests.test_notify_all", mode = "async", expect = "clean" }
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
local ts = { spawn(c(1)), spawn(c(2)) }
yield()
check(result:get() == "", "both wait")
cond:acquire()
cond:notify_all()
cond:release()
yield()
check(result:get() == "12", "both, in order: %s", result:get())
for _, t in ipairs(ts) do check(not t:is_alive(), "%s is done", t.name) end
