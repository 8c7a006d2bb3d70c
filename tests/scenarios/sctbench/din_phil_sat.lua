-- SCTBench CS.din_phil2_sat .. din_phil7_sat (after the paper's
-- description; our own port): dining philosophers, -D n=2..7 (the suite's
-- din_philN_sat has N philosophers; the default is 3).
--
-- N philosophers around a table, a fork (a Lock) between each two; each
-- takes the fork on its left, then the one on its right, eats (a shared
-- count of meals), and puts both down.  The bug: when every philosopher
-- holds its left fork, each waits for its right one forever: a deadlock.
-- Once philosopher 1 is switched away from, every other one in turn blocks
-- on its right fork, and a switch away from a blocked thread is no
-- preemption: one preemption shows it, whatever N.
scenario{ name = "CS.din_philN_sat", expect = { "deadlock", "potential_deadlock" } }

local n = param("n", 3)
local forks = {}
for i = 1, n do forks[i] = Lock("fork" .. i) end
local meals = shared("meals", 0)

for i = 1, n do
  spawn("philosopher" .. i, function()
    local left, right = forks[i], forks[i % n + 1]
    left:acquire()
    right:acquire()
    meals:set(meals:get() + 1)
    right:release()
    left:release()
  end)
end
finally(function() check(meals:get() == n, "%d meals, expected %d", meals:get(), n) end)
