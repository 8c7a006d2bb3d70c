-- asyncio: waiters are served first come, first served, and an uncontended
-- acquire does not suspend.  In every interleaving the lock goes to the
-- tasks in the order they started waiting.
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
end
sleep(0.1) -- let all three queue up, in order
lock:release()
finally(function() check(order:get() == "123", "order %s", order:get()) end)
