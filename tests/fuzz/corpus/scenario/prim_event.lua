-- Event: set/clear/is_set/wait; a waiter woken by set() returns true even if
-- the event is cleared before it runs (as in Python); wait(timeout) -> false.
scenario{ name = "Event semantics", expect = "clean" }
local ev = Event("ev")
check(not ev:is_set())
check(ev:wait(0.5) == false and now() == 0.5)
ev:set()
check(ev:is_set() and ev:wait() == true and ev:wait(0) == true)
ev:clear()
check(not ev:is_set())
local got = shared("got", 0, { atomic = true })
for i = 1, 2 do
  spawn("waiter" .. i, function() check(ev:wait() == true); got:add(1) end)
end
spawn("setter", function() sleep(1); ev:set(); ev:clear() end)
finally(function() check(got:get() == 2, "got %d", got:get()) end)
