-- From seeds/001_897fcf942ac2d54e.txt, 'Deadlock Prevention' (the comment
-- "BAD: Thread 1 acquires A then B; Thread 2 acquires B then A -> deadlock
-- risk").
--
-- Shows: the BAD protocol the tutorial describes in words, written out.
-- One interleaving deadlocks:
--   thread1 takes lock_a; thread2 takes lock_b;
--   thread1 waits for lock_b, thread2 waits for lock_a -> deadlock.
-- racesim reports it as deadlock (when that interleaving runs) and as
-- potential_deadlock (the a -> b -> a lock-order cycle, seen in every run).
-- The GOOD form is s001_ordered_lock.lua.
scenario{ name = "seed001 opposite lock order", expect = { "deadlock", "potential_deadlock" } }

local lock_a = Lock("lock_a")
local lock_b = Lock("lock_b")

spawn("thread1", function()
  lock_a:with(function() lock_b:with(function() end) end)
end)
spawn("thread2", function()
  lock_b:with(function() lock_a:with(function() end) end)
end)
