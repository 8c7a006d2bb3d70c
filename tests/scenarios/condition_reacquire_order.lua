-- A notified Condition waiter must take its lock back, and whoever takes
-- the lock first decides what happens next.  The waiter 'n' checks its
-- predicate once on entry; when w1's notify() wakes it, either n re-takes
-- the lock before w2 (and finds arrived == 1: a third check after w2's
-- notify) or w2 goes first (n finds arrived == 2 on its second check).
-- dfs must explore both: the third check only happens in the first order.
-- (A regression test: partial-order reduction once treated the re-acquire
-- after the wake like a plain step and never tried n before w2.)
scenario{ name = "condition re-acquire order", expect = "assertion" }
local lk = Lock("lk")
local arrival = Condition(lk, "arrival")
local arrived = shared("arrived", 0)
local evals = 0
spawn("w1", function() lk:acquire(); arrived:set(arrived:get() + 1); arrival:notify(); lk:release() end)
spawn("w2", function() lk:acquire(); arrived:set(arrived:get() + 1); arrival:notify(); lk:release() end)
spawn("n", function()
  lk:acquire()
  arrival:wait_for(function() evals = evals + 1; return arrived:get() == 2 end)
  lk:release()
end)
finally(function() check(evals < 3, "the predicate was checked %d times", evals) end)
