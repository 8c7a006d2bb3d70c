-- SCTBench CS.deadlock01_bad (after the paper's description; our own port).
--
-- Two threads take the same two locks in opposite orders, each to update a
-- counter: a deadlock when each holds its first lock (one preemption).
scenario{ name = "CS.deadlock01_bad", expect = { "deadlock", "potential_deadlock" } }

local a, b = Lock("a"), Lock("b")
local counter = shared("counter", 1)

spawn("thread1", function()
  a:acquire(); b:acquire()
  counter:set(counter:get() + 1)
  b:release(); a:release()
end)
spawn("thread2", function()
  b:acquire(); a:acquire()
  counter:set(counter:get() - 1)
  a:release(); b:release()
end)
