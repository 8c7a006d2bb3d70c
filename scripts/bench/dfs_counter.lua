-- Benchmark: N threads each incrementing one counter once, with or without
-- a lock.  dfs explores N! runs with the lock (the orders of the critical
-- sections) and (N!)^2 without (where each read falls); plain dfs
-- (--no-por) explores every interleaving.
scenario{ name = "bench dfs counter" }
local threads = param("threads", 3)
local locked = param("locked", 1) ~= 0
local lock = Lock("lock")
local counter = shared("counter", 0)
for i = 1, threads do
  spawn("t" .. i, function()
    if locked then lock:acquire() end
    counter:set(counter:get() + 1)
    if locked then lock:release() end
  end)
end
