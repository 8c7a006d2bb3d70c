-- SCTBench CS.stack_bad (after the paper's description; our own port).
--
-- A pusher pushes N values onto an array stack and a popper pops N, each
-- operation under one lock.  The bug: the popper pops whenever the first
-- push has happened (a flag the pusher raises), not whenever the stack is
-- non-empty, so a popper that gets ahead of the pusher pops an empty stack.
scenario{ name = "CS.stack_bad", expect = { "assertion" } }

local n = param("n", 3)
local m = Lock("m")
local top = shared("top", 0)
local stack = shared_table("stack")
local pushed = shared("flag", false)

spawn("pusher", function()
  for v = 1, n do
    m:with(function()
      stack[top:get() + 1] = v
      top:set(top:get() + 1)
      pushed:set(true)
    end)
  end
end)
spawn("popper", function()
  for _ = 1, n do
    m:with(function()
      if pushed:get() then -- (should be: top > 0)
        check(top:get() > 0, "pop of an empty stack")
        top:set(top:get() - 1)
      end
    end)
  end
end)
