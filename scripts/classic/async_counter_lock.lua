-- asyncio counter under an asyncio.Lock: the fix.
--
-- Same tasks as async_counter_race.lua, but each read-await-write runs while
-- holding an asyncio.Lock (`async with lock:`).  A task that reaches the
-- lock while another holds it suspends until it is released, so no task
-- reads the counter between another's read and write.  Every interleaving
-- ends with counter == tasks x iters.  Clean.
scenario{ name = "asyncio counter (lock)", mode = "async", expect = "clean" }

local ntasks = param("tasks", 2)
local iters = param("iters", 2)
local counter = shared("counter", 0)
local lock = Lock("lock")

for t = 1, ntasks do
  spawn("task" .. t, function()
    for _ = 1, iters do
      lock:with(function()
        local value = counter:get()
        yield()                                -- await asyncio.sleep(0)
        counter:set(value + 1)
      end)
    end
  end)
end
finally(function()
  check(counter:get() == ntasks * iters, "counter %d, expected %d", counter:get(), ntasks * iters)
end)
