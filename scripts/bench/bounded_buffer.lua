-- Benchmark: a bounded buffer on one Condition (steps per second).
-- A producer and a consumer pass n items through a buffer of 4 slots.
scenario{ name = "bench bounded buffer" }
local n = param("n", 20000)
local cv = Condition(nil, "cv")
local items = shared("items", 0)
spawn("producer", function()
  for _ = 1, n do
    cv:acquire()
    while items:get() == 4 do cv:wait() end
    items:set(items:get() + 1)
    cv:notify_all()
    cv:release()
  end
end)
spawn("consumer", function()
  for _ = 1, n do
    cv:acquire()
    while items:get() == 0 do cv:wait() end
    items:set(items:get() - 1)
    cv:notify_all()
    cv:release()
  end
end)
