-- CPython Lib/test/test_asyncio/test_locks.py: LockTests.test_acquire.
-- The main task holds the lock; c1 and c2 queue for it; each release hands
-- it to the oldest waiter, and c3, created later, queues behind them.
scenario{ name = "asyncio LockTests.test_acquire", mode = "async", expect = "clean" }
local lock = Lock()
local result = shared("result", "")
check(lock:acquire())
local function c(i)
  return function()
    if lock:acquire() then result:set(result:get() .. i) end
    return true
  end
end
local t1, t2 = spawn(c(1)), spawn(c(2))
yield()
check(result:get() == "", "nobody has the lock yet: %s", result:get())
lock:release()
yield()
check(result:get() == "1", "c1 got it: %s", result:get())
yield()
check(result:get() == "1", "c1 still holds it: %s", result:get())
local t3 = spawn(c(3))
lock:release()
yield()
check(result:get() == "12", "then c2: %s", result:get())
lock:release()
yield()
check(result:get() == "123", "then c3: %s", result:get())
for _, t in ipairs{ t1, t2, t3 } do check(not t:is_alive(), "%s is done", t.name) end
