-- Dining philosophers, the fixed form: a global order on the forks.
--
-- Same table as philosophers_deadlock.lua, but every philosopher takes the
-- lower-numbered of its two forks first.  Philosopher n's forks are n and 1,
-- so it takes fork 1 first -- the one philosopher who reaches "against the
-- grain" breaks the cycle: the lock-order graph is acyclic (every edge goes
-- from a lower to a higher fork number), so no interleaving deadlocks, and
-- every philosopher eats.  Parameters: -D n=5, -D meals=1 (dfs is complete
-- in about 120 runs).
scenario{ name = "dining philosophers (ordered forks)", expect = "clean" }

local n = param("n", 5)
local meals = param("meals", 1)
local forks = {}
for i = 1, n do forks[i] = Lock("fork" .. i) end
local eaten = shared("meals_eaten", 0)

for i = 1, n do
  local a, b = i, i % n + 1
  local first, second = forks[math.min(a, b)], forks[math.max(a, b)]
  spawn("philosopher" .. i, function()
    for _ = 1, meals do
      first:acquire()
      second:acquire()
      eaten:add(1)                   -- eat
      second:release()
      first:release()
    end
  end)
end
finally(function()
  check(eaten:get() == n * meals, "%d meals eaten, expected %d", eaten:get(), n * meals)
end)
