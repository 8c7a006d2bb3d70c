-- CPython Lib/test/test_asyncio/test_locks.py: ConditionTests.test_wait.
-- Three tasks take the lock and wait; notify() wakes the first, which must
-- retake the lock; each release lets the next woken one in.  (asyncio's
-- Lock has no owner: the main task releases the lock a woken task holds,
-- and may notify while another task holds it.)
scenario{ name = "asyncio ConditionTests.test_wait", mode = "async", expect = "clean" }
local cond = Condition()
local result = shared("result", "")
local function c(i)
  return function()
    cond:acquire()
    if cond:wait() then result:set(result:get() .. i) end
    return true
  end
end
local ts = { spawn(c(1)), spawn(c(2)), spawn(c(3)) }
yield()
check(result:get() == "" and not cond:locked(), "all three wait")
check(cond:acquire())
cond:notify()
yield()
check(result:get() == "" and cond:locked(), "c1 is woken but the lock is held: %s", result:get())
cond:release()
yield()
check(result:get() == "1" and cond:locked(), "c1 took the lock: %s", result:get())
cond:notify(2)
yield()
check(result:get() == "1" and cond:locked(), "c2, c3 woken, the lock held by c1: %s", result:get())
cond:release()
yield()
check(result:get() == "12" and cond:locked(), "c2 took it: %s", result:get())
cond:release()
yield()
check(result:get() == "123" and cond:locked(), "c3 took it: %s", result:get())
for _, t in ipairs(ts) do check(not t:is_alive(), "%s is done", t.name) end
