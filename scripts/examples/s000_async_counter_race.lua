-- From seeds/000_6cbeb80c684375f0.txt, '1.1 The Problem' (increment/main).
--
-- Shows: asyncio is single-threaded, yet a coroutine that reads a shared
-- counter, awaits, and writes back `current + 1` loses updates, because
-- every other task runs during the await.
--
-- Scaled down: the tutorial gathers 100 coroutines; here 3 tasks, so that
-- exhaustive exploration finishes (param n).
--
-- The tutorial says "Often less than 100!".  racesim shows it is worse than
-- "often": in asyncio's order (first in, first out) all tasks read 0 before any of them wakes
-- from sleep(0.001) (the sleep suspends each task and virtual time only
-- advances when no task is ready), so every task writes 1 and the result is
-- always 1, the same as in CPython.  The check below (expected n) therefore
-- fails in every run: expect lost_update and assertion.
scenario{ name = "seed000 async counter race", mode = "async",
          expect = { "lost_update", "assertion" } }

local n = param("n", 3)
local counter = shared("counter", 0)

local function increment()
  local current = counter:get()
  sleep(0.001)                  -- await asyncio.sleep(0.001)
  counter:set(current + 1)
end

-- asyncio.gather(*[increment() for _ in range(n)])
local tasks = {}
for i = 1, n do tasks[i] = spawn("increment" .. i, increment) end
for _, t in ipairs(tasks) do t:join() end

print(string.format("Expected: %d, Got: %d", n, counter:get()))
finally(function()
  check(counter:get() == n, "Expected: %d, Got: %d", n, counter:get())
end)
