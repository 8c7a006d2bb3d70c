-- From seeds/004_a4cab6d75b48e450.txt, '3. Lock (Mutual Exclusion)'
-- (increment_with_lock; manual_lock_usage's acquire / try / finally
-- release).
--
-- Shows: "Exactly 1000000": with the increment under `with lock:` no update
-- is lost in any interleaving.  One thread uses the context manager, the
-- other the manual acquire() ... finally: release() form; they are
-- equivalent.
--
-- Scaled down: 10 threads x 100,000 -> 2 threads x 2 (param iters).
scenario{ name = "seed004 counter with lock", expect = "clean" }

local iters = param("iters", 2)
local counter = shared("counter", 0)
local lock = Lock("lock")

local function increment_with_lock()
  for _ = 1, iters do
    lock:with(function() counter:set(counter:get() + 1) end)   -- with lock:
  end
end

local function increment_manual()
  for _ = 1, iters do
    lock:acquire()
    local ok, err = pcall(function() counter:set(counter:get() + 1) end)   -- try:
    lock:release()                                                          -- finally:
    if not ok then error(err, 0) end
  end
end

local t1 = spawn("with_lock", increment_with_lock)
local t2 = spawn("manual", increment_manual)
t1:join(); t2:join()
print("Counter with lock: " .. counter:get())
check(counter:get() == 2 * iters, "Counter with lock: %d, expected %d", counter:get(), 2 * iters)
