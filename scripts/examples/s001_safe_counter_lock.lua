-- From seeds/001_897fcf942ac2d54e.txt, 'threading.Lock' (SafeCounter).
--
-- Shows: increment() and the value property both hold the counter's Lock,
-- so `self._value += 1` (a read and a write) is never interleaved with
-- another thread's.  The tutorial says "Always 400000"; the check says the
-- count is always threads x iterations.
--
-- Scaled down: 4 threads x 100,000 increments -> 2 threads x 2 increments
-- (params threads, iters), so that exhaustive exploration finishes.  The
-- unprotected form is s001_unsafe_counter.lua.
scenario{ name = "seed001 SafeCounter", expect = "clean" }

local nthreads = param("threads", 2)
local iters = param("iters", 2)

local function SafeCounter()
  local self = { _value = shared("counter._value", 0), _lock = Lock("counter._lock") }
  function self.increment()
    self._lock:with(function()
      self._value:set(self._value:get() + 1)
    end)
  end
  function self.value()
    return self._lock:with(function() return self._value:get() end)
  end
  return self
end

local counter = SafeCounter()
local threads = {}
for i = 1, nthreads do
  threads[i] = spawn("worker" .. i, function()
    for _ = 1, iters do counter.increment() end
  end)
end
for _, t in ipairs(threads) do t:join() end
print(counter.value())
check(counter.value() == nthreads * iters, "count %d, expected %d", counter.value(), nthreads * iters)
