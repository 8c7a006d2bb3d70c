-- From seeds/004_a4cab6d75b48e450.txt, '3. Lock (Mutual Exclusion)'
-- (increment_without_lock: "counter += 1  # Not atomic!").
--
-- Shows: "Likely less than 1000000".  `counter += 1` is a read and a write;
-- between them another thread can read the same value, and one of the two
-- increments is lost:
--   thread1 reads 0; thread2 reads 0; thread2 writes 1; thread1 writes 1.
-- racesim finds this interleaving (lost_update) and the check on the final
-- count fails in it (assertion).
--
-- Scaled down: 10 threads x 100,000 -> 2 threads x 2 (params threads, iters).
scenario{ name = "seed004 counter without lock", expect = { "lost_update", "data_race", "assertion" } }

local nthreads = param("threads", 2)
local iters = param("iters", 2)
local counter = shared("counter", 0)

local function increment_without_lock()
  for _ = 1, iters do
    counter:set(counter:get() + 1)   -- counter += 1: not atomic!
  end
end

local threads = {}
for i = 1, nthreads do threads[i] = spawn("thread" .. i, increment_without_lock) end
for _, t in ipairs(threads) do t:join() end
print("Counter without lock: " .. counter:get())
check(counter:get() == nthreads * iters, "Counter without lock: %d, expected %d",
      counter:get(), nthreads * iters)
