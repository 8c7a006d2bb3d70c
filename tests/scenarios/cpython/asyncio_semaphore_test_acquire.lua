-- CPython Lib/test/test_asyncio/test_locks.py: SemaphoreTests.test_acquire
-- (its checks of the private _value and _waiters are read through locked()
-- and the results): Semaphore(3), two permits taken; of c1, c2, c3 only c1
-- gets one; c4 comes later; two releases let two of c2, c3, c4 through.
scenario{ name = "asyncio SemaphoreTests.test_acquire", mode = "async", expect = "clean" }
local sem = Semaphore(3)
local result = shared("result", "")
check(sem:acquire() and sem:acquire())
check(not sem:locked())
local function c(i)
  return function() sem:acquire() result:set(result:get() .. i) return true end
end
local t1, t2, t3 = spawn(c(1)), spawn(c(2)), spawn(c(3))
yield()
check(result:get() == "1", "only c1: %s", result:get())
check(sem:locked())
local t4 = spawn(c(4))
sem:release()
sem:release()
yield()
check(#result:get() == 3, "two more got in: %s", result:get())
check(sem:locked())
check(not t1:is_alive())
local done = 0
for _, t in ipairs{ t2, t3, t4 } do if not t:is_alive() then done = done + 1 end end
check(done == 2, "%d of c2, c3, c4 done", done)
sem:release()
for _, t in ipairs{ t2, t3, t4 } do t:join() end
