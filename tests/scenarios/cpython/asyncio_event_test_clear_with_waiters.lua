-- CPython Lib/test/test_asyncio/test_locks.py: EventTests.test_clear_with_waiters
-- (its checks of the private ev._waiters are left out): a waiter woken by
-- set() passes even though clear() came before it ran.
scenario{ name = "asyncio EventTests.test_clear_with_waiters", mode = "async", expect = "clean" }
local ev = Event()
local result = shared("result", "")
local t = spawn(function()
  if ev:wait() then result:set(result:get() .. "1") end
  return true
end)
yield()
check(result:get() == "", "waiting: %s", result:get())
ev:set()
ev:clear()
check(not ev:is_set())
ev:set()
ev:set()
yield()
check(result:get() == "1", "the waiter passed once: %s", result:get())
check(not t:is_alive())
