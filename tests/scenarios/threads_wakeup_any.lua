-- threads mode: which waiter a notify() wakes is a scheduling choice that
-- exploration covers (Python promises no order): some run wakes the second
-- waiter first, and the check below fails there.  (tests/scenarios/
-- async_fifo.lua shows the first-come first-served rule of async mode.)
scenario{ name = "notify picks any waiter", expect = "assertion" }
local lk = Lock("lk")
local c = Condition(lk, "c")          -- the waiters wait here
local arrival = Condition(lk, "arrival")
local arrived = shared("arrived", 0)
local first = shared("first", "")
for i = 1, 2 do
  spawn("waiter" .. i, function()
    c:with(function()
      arrived:set(arrived:get() + 1)
      arrival:notify()
      c:wait()
      if first:get() == "" then first:set("waiter" .. i) end
    end)
  end)
end
spawn("notifier", function()
  c:with(function()
    arrival:wait_for(function() return arrived:get() == 2 end)
    c:notify()
  end)
  c:with(function() c:notify() end)
end)
finally(function() check(first:get() == "waiter1", "first woken: %s", first:get()) end)
