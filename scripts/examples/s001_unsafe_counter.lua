-- From seeds/001_897fcf942ac2d54e.txt, 'threading.Lock' (the sentence after
-- SafeCounter: "Without the lock, the final count would be unpredictable
-- and almost always less than 400000").
--
-- Shows: SafeCounter with the lock removed.  `self._value += 1` is a read
-- then a write; two threads can both read the same value and both write
-- value + 1, one increment is lost:
--   worker1 reads 0; worker2 reads 0; worker2 writes 1; worker1 writes 1.
-- Expect lost_update and assertion (count below threads x iterations).
--
-- Scaled down: 4 threads x 100,000 -> 2 threads x 2 (params threads, iters).
scenario{ name = "seed001 counter without lock", expect = { "lost_update", "data_race", "assertion" } }

local nthreads = param("threads", 2)
local iters = param("iters", 2)
local value = shared("counter._value", 0)

local threads = {}
for i = 1, nthreads do
  threads[i] = spawn("worker" .. i, function()
    for _ = 1, iters do value:set(value:get() + 1) end   -- self._value += 1
  end)
end
for _, t in ipairs(threads) do t:join() end
print(value:get())
check(value:get() == nthreads * iters, "count %d, expected %d", value:get(), nthreads * iters)
