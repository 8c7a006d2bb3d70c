-- Dining philosophers, the deadlocking form.
--
-- n philosophers sit at a round table with one fork (a Lock) between each
-- pair.  Every philosopher takes the fork on the left, then the fork on the
-- right, eats, and puts both down.
--
-- The bug: if every philosopher takes the left fork before any takes a
-- right one, each waits for the fork its right-hand neighbour holds: a
-- wait-for cycle of length n, a deadlock.  racesim finds that interleaving
-- (deadlock) and, in every run, the cycle fork1 -> fork2 -> ... -> fork1 in
-- the lock-order graph (potential_deadlock).
--
-- The fix (philosophers_ordered.lua): take the lower-numbered fork first.
--
-- Parameters: -D n=5 philosophers, -D meals=1 meal each (dfs is complete in
-- about 130 runs for the defaults).
scenario{ name = "dining philosophers (deadlock)",
          expect = { "deadlock", "potential_deadlock" } }

local n = param("n", 5)
local meals = param("meals", 1)
local forks = {}
for i = 1, n do forks[i] = Lock("fork" .. i) end
local eaten = shared("meals_eaten", 0)

for i = 1, n do
  local left, right = forks[i], forks[i % n + 1]
  spawn("philosopher" .. i, function()
    for _ = 1, meals do
      left:acquire()
      right:acquire()
      eaten:add(1)                   -- eat
      right:release()
      left:release()
    end
  end)
end
finally(function()
  check(eaten:get() == n * meals, "%d meals eaten, expected %d", eaten:get(), n * meals)
end)
