-- SCTBench CS.lazy01_bad (after the paper's description; our own port).
--
-- Three threads share a counter under one lock: two add 1 and 2; the third
-- asserts, under the lock, that the counter is still below 3.  The bug:
-- when the third runs after both others (its order of creation allows it
-- without any preemption) the counter is 3.
scenario{ name = "CS.lazy01_bad", expect = { "assertion" } }

local m = Lock("mutex")
local data = shared("data", 0)

spawn("thread1", function() m:with(function() data:set(data:get() + 1) end) end)
spawn("thread2", function() m:with(function() data:set(data:get() + 2) end) end)
spawn("thread3", function()
  m:with(function() check(data:get() < 3, "data is %d", data:get()) end)
end)
