-- SCTBench CS.reorder_3_bad .. reorder_20_bad (after the paper's
-- description; our own port): -D threads=3, 4, 5, 10, 20 (the suite's
-- reorder_X_bad has X worker threads; the default is 3).
--
-- X - 1 setters each write a = 1 and then b = -1; a checker reads a and b
-- and checks that it saw both writes or neither.  The bug: the two writes
-- are two steps, and a checker that runs between them sees a = 1, b = 0.
-- One preemption shows it, but the more setters, the less often a random
-- schedule puts the checker in a setter's window.
scenario{ name = "CS.reorder_X_bad", expect = { "assertion", others = true } }

local threads = param("threads", 3)
local a, b = shared("a", 0), shared("b", 0)

for i = 1, threads - 1 do
  spawn("setter" .. i, function() a:set(1); b:set(-1) end)
end
spawn("checker", function()
  local x, y = a:get(), b:get()
  check((x == 0 and y == 0) or (x == 1 and y == -1), "saw a = %d, b = %d", x, y)
end)
