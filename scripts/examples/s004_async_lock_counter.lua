-- From seeds/004_a4cab6d75b48e450.txt, '13. Asyncio Synchronization
-- Primitives' (main_lock: increment() under asyncio.Lock with an await
-- between read and write).
--
-- Shows: "Counter: 100": the lock makes each read-await-write atomic with
-- respect to the other tasks, so no increment is lost.  Without the lock it
-- would be seed 000's race (s000_async_counter_race.lua).
--
-- Scaled down: 100 tasks -> 3 (param n).
scenario{ name = "seed004 async lock counter", mode = "async", expect = "clean" }

local n = param("n", 3)
local lock = Lock("lock")
local counter = shared("counter", 0)

local function increment()
  lock:with(function()
    local temp = counter:get()
    sleep(0.01)
    counter:set(temp + 1)
  end)
end

local tasks = {}
for i = 1, n do tasks[i] = spawn("increment" .. i, increment) end
for _, t in ipairs(tasks) do t:join() end
print("Counter: " .. counter:get())
check(counter:get() == n, "Counter: %d, expected %d", counter:get(), n)
