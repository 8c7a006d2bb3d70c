-- From seeds/000_6cbeb80c684375f0.txt, '2.1 Basic Usage' (safe_increment).
--
-- Shows: the fix for s000_async_counter_race.lua.  `async with lock` makes
-- the read, the await and the write one critical section, so no other task
-- can read the counter in between.  The tutorial says "Always 100!"; here
-- the check says the counter always equals the number of tasks.
--
-- Scaled down: 100 coroutines -> 3 tasks (param n), so that exhaustive
-- exploration finishes.
scenario{ name = "seed000 async lock counter", mode = "async", expect = "clean" }

local n = param("n", 3)
local lock = Lock("lock")
local counter = shared("counter", 0)

local function safe_increment()
  lock:with(function()          -- async with lock:
    local current = counter:get()
    sleep(0.001)                -- await asyncio.sleep(0.001)
    counter:set(current + 1)
  end)
end

local tasks = {}
for i = 1, n do tasks[i] = spawn("safe_increment" .. i, safe_increment) end
for _, t in ipairs(tasks) do t:join() end

print(string.format("Counter: %d", counter:get()))
finally(function()
  check(counter:get() == n, "Counter: %d, expected %d", counter:get(), n)
end)
