-- CPython Lib/test/test_asyncio/test_locks.py: SemaphoreTests.test_acquire_fifo_order_2.
-- c2 releases its permit and takes one again: it queues behind c3.
scenario{ name = "asyncio SemaphoreTests.test_acquire_fifo_order_2", mode = "async", expect = "clean" }
local sem = Semaphore(1)
local result = shared("result", "")
local function add(i) result:set(result:get() .. i) end
local t1 = spawn(function() sem:acquire() add(1) return true end)
local t2 = spawn(function()
  sem:acquire() add(2) sem:release()
  sem:acquire() add(4)
  return true
end)
local t3 = spawn(function() sem:acquire() add(3) return true end)
yield()
sem:release()
sem:release()
for _, t in ipairs{ t1, t2, t3 } do t:join() end
check(result:get() == "1234", "result %s, CPython's [1, 2, 3, 4]", result:get())
