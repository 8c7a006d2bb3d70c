-- CPython Lib/test/test_asyncio/test_locks.py: EventTests.test_wait.
-- c1 and c2 wait; c3 is created but has not run when set() is called; the
-- woken waiters resume after c3, which finds the event set at once:
-- the result is [3, 1, 2].
scenario{ name = "asyncio EventTests.test_wait", mode = "async", expect = "clean" }
local ev = Event()
check(not ev:is_set())
local result = shared("result", "")
local function c(i)
  return function() if ev:wait() then result:set(result:get() .. i) end end
end
local t1, t2 = spawn(c(1)), spawn(c(2))
yield()
check(result:get() == "", "none has passed: %s", result:get())
local t3 = spawn(c(3))
ev:set()
yield()
check(result:get() == "312", "result %s, CPython's [3, 1, 2]", result:get())
for _, t in ipairs{ t1, t2, t3 } do check(not t:is_alive(), "%s is done", t.name) end
