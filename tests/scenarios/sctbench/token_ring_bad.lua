-- SCTBench CS.token_ring_bad (after the paper's description; our own port).
--
-- Three threads pass a token along shared variables (x1 = x3 + 1, x2 = x1,
-- x3 = x2) while a fourth checks that all three agree.  The bug: nothing
-- orders the check with the passing; a checker that runs while the token
-- is between two variables sees them differ.
scenario{ name = "CS.token_ring_bad", expect = { "assertion", others = true } }

local x1, x2, x3 = shared("x1", 1), shared("x2", 1), shared("x3", 1)

spawn("t1", function() x1:set(x3:get() + 1) end)
spawn("t2", function() x2:set(x1:get()) end)
spawn("t3", function() x3:set(x2:get()) end)
spawn("checker", function()
  local a, b, c = x1:get(), x2:get(), x3:get()
  check(a == b and b == c, "x1 = %d, x2 = %d, x3 = %d", a, b, c)
end)
