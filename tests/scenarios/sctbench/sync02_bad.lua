-- SCTBench CS.sync02_bad (after the paper's description; our own port).
--
-- A waiter waits on a Condition for a signal; a signaller notifies it.  The
-- bug: the wait checks no state, so when the signaller notifies before the
-- waiter waits, the notification is lost and the waiter waits forever.
scenario{ name = "CS.sync02_bad", expect = { "stuck" } }

local m = Lock("m")
local cv = Condition(m, "cv")
local data = shared("data", 0)

spawn("signaller", function()
  m:with(function() data:set(1); cv:notify() end)
end)
spawn("waiter", function()
  m:with(function()
    cv:wait() -- (should be: while data == 0 do cv:wait() end)
    check(data:get() == 1, "woken without data")
  end)
end)
