-- CPython Lib/test/test_asyncio/test_locks.py: SemaphoreTests.test_acquire_fifo_order_4
-- (its check of the private _waiters/_wakeups is left out).  A successful
-- acquire() wakes every task still queued behind it while permits are
-- left (asyncio's FIFO rule): c2 releases three permits while c1 waits; c1
-- is handed one, but c2's own acquire() and c3's queue behind c1, and c1,
-- leaving acquire(), hands them the other two.  c4, created by c1, runs
-- after c3.
scenario{ name = "asyncio SemaphoreTests.test_acquire_fifo_order_4", mode = "async", expect = "clean" }
local sem = Semaphore(0)
local result = shared("result", "")
local function add(i) result:set(result:get() .. i) end
local t4 = shared("t4", false)
local t1 = spawn(function()
  sem:acquire()
  t4:set(spawn(function() add(4) return true end))
  add(1)
  return true
end)
local t2 = spawn(function()
  sem:release() sem:release() sem:release()
  check(sem:locked(), "locked: c1 has not woken up yet")
  sem:acquire()
  add(2)
  return true
end)
local t3 = spawn(function()
  sem:acquire()
  check(sem:locked(), "c3: locked")
  add(3)
  return true
end)
yield()
yield()
for _, t in ipairs{ t1, t2, t3, t4:get() } do t:join() end
check(result:get() == "1234", "result %s, CPython's [1, 2, 3, 4]", result:get())
