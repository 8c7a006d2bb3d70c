-- SCTBench CS.sync01_bad (after the paper's description; our own port).
--
-- A producer and a consumer share a count under a Condition: the consumer
-- waits while it is 0, takes one and notifies; the producer should wait
-- while it is full, but its condition is the consumer's (while it is 0),
-- and the count starts at 0: both wait for each other in every run.
scenario{ name = "CS.sync01_bad", expect = { "stuck" } }

local m = Lock("m")
local cv = Condition(m, "cv")
local num = shared("num", 0)

spawn("producer", function()
  m:with(function()
    while num:get() == 0 do cv:wait() end -- (should be: while full)
    num:set(num:get() + 1)
    cv:notify()
  end)
end)
spawn("consumer", function()
  m:with(function()
    while num:get() == 0 do cv:wait() end
    num:set(num:get() - 1)
    cv:notify()
  end)
end)
