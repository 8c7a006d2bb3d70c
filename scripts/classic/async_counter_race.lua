-- asyncio counter: an await between the read and the write loses updates.
--
-- Each task does `value = counter; await something; counter = value + 1`,
-- a few times.  asyncio runs one task at a time and never preempts it, so
-- people expect no races; but the await hands control to the event loop,
-- and another task can read the same value before this one writes:
--   task1 reads 0, awaits; task2 reads 0, awaits;
--   task1 writes 1; task2 writes 1 -- task1's increment is lost.
-- racesim (mode "async": only awaits are scheduling points) reports
-- lost_update, and the final check fails (assertion).  Unlike seed 000's
-- version, the await here is a bare yield (asyncio.sleep(0)): asyncio's
-- ready queue is first in, first out, so the tasks take turns at every
-- await, each reading what the other has not written yet, and half the
-- increments are lost (one run: counter 2, expected 4).  With
-- scenario{ order = "any" } (an unknown event loop) how much is lost
-- depends on the order of the tasks, and racesim explores every one.
--
-- The fix (async_counter_lock.lua): hold an asyncio.Lock across the
-- read-await-write, or do not await between the read and the write.
scenario{ name = "asyncio counter (await between read and write)", mode = "async",
          expect = { "lost_update", "assertion" } }

local ntasks = param("tasks", 2)
local iters = param("iters", 2)
local counter = shared("counter", 0)

for t = 1, ntasks do
  spawn("task" .. t, function()
    for _ = 1, iters do
      local value = counter:get()
      yield()                                  -- await asyncio.sleep(0)
      counter:set(value + 1)
    end
  end)
end
finally(function()
  check(counter:get() == ntasks * iters, "counter %d, expected %d", counter:get(), ntasks * iters)
end)
