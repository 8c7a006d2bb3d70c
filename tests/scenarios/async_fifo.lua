-- asyncio: waiters are served first come, first served, and an uncontended
-- acquire does not suspend.  The lock goes to the tasks in the order they
-- started waiting, and a new acquire queues behind them even though the
-- lock is free for an instant.  The main task lets each one queue up before
-- it creates the next (a sleep lets time pass only once every task that can
-- run has run, here up to its suspending acquire), so that this holds in
-- any order of the ready tasks too (order = "any"), not only asyncio's.
scenario{ name = "async FIFO wake-up", mode = "async", expect = "clean" }
local lock = Lock("l")
local order = shared("order", "")
lock:acquire() -- uncontended: no suspension
for i = 1, 3 do
  spawn("t" .. i, function()
    lock:acquire()
    order:set(order:get() .. i)
    lock:release()
  end)
  sleep(0.1) -- t<i> is waiting now
end
lock:release() -- hands the lock to t1
lock:acquire() -- waiters: the main task queues behind t3
order:set(order:get() .. "m")
lock:release()
finally(function() check(order:get() == "123m", "order %s", order:get()) end)
