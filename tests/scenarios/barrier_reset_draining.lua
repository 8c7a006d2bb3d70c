-- threading.Barrier.reset() while the barrier drains leaves it alone: the
-- thread released by the last arrival passes, whether or not it has left
-- wait() when the reset comes (asyncio's reset() breaks it instead:
-- tests/scenarios/async_barrier_reset_draining.lua).
scenario{ name = "Barrier.reset() while draining", expect = "clean" }
local b = Barrier(2, nil, nil, "b")
local result = shared("result", "")
spawn("early", function()
  local ok, err = pcall(b.wait, b)
  result:set(ok and "passed" or err.type)
end)
b:wait()
b:reset()
finally(function() check(result:get() == "passed", "early: %s", result:get()) end)
