-- The quickstart counter with its fix: the read and the write happen while
-- holding a Lock, so no interleaving loses an update.  Three threads under
-- one lock: exhaustive exploration needs exactly 3! = 6 runs (the orders in
-- which the threads take the lock).
scenario{ name = "counter locked", expect = "clean" }
local counter = shared("counter", 0)
local lock = Lock("counter_lock")
for i = 1, 3 do
  spawn("worker" .. i, function()
    lock:with(function() counter:set(counter:get() + 1) end)
  end)
end
finally(function() check(counter:get() == 3, "counter %d", counter:get()) end)
