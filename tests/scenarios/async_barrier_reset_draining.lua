-- asyncio.Barrier.reset() while the barrier drains: the task that filled it
-- resets it before the released task has left wait().  asyncio's reset()
-- puts a draining barrier in its resetting state, so that task gets
-- BrokenBarrierError (threading.Barrier.reset() leaves a draining barrier
-- alone: tests/scenarios/barrier_reset_draining.lua).  Before, racesim followed
-- threading here.
scenario{ name = "async Barrier.reset() while draining", mode = "async",
          expect = "barrier_broken" }
local b = Barrier(2, nil, nil, "b")
local result = shared("result", "")
spawn("early", function()
  local ok, err = pcall(b.wait, b)
  result:set(ok and "passed" or err.type)
end)
sleep(0.1)       -- 'early' waits at the barrier
check(b:wait() == 1, "the last arrival's index")
b:reset()        -- 'early' was released but has not run yet
finally(function()
  check(result:get() == "BrokenBarrierError", "early: %s", result:get())
  check(not b.broken, "reset() leaves the barrier usable")
end)
