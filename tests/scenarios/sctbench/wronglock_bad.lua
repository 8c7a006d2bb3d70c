-- SCTBench CS.wronglock_bad and CS.wronglock_3_bad (after the paper's
-- description; our own port): -D others=7 (wronglock, 9 threads with the
-- main one) or others=3 (wronglock_3, 5 threads).
--
-- One thread increments a shared value under lock 1 and checks that it
-- went up by exactly one; the others increment it under lock 2.  The bug:
-- two different locks guard one value, so another increment can fall
-- between the first thread's increment and its check (one preemption).
scenario{ name = "CS.wronglock_bad", expect = { "assertion", others = true } }

local others = param("others", 7)
local lock1, lock2 = Lock("lock1"), Lock("lock2")
local data = shared("data", 0)

spawn("thread1", function()
  lock1:with(function()
    local x = data:get()
    data:set(x + 1)
    check(data:get() == x + 1, "data went from %d to %d", x, data:get())
  end)
end)
for i = 1, others do
  spawn("thread" .. (i + 1), function()
    lock2:with(function() data:set(data:get() + 1) end)
  end)
end
