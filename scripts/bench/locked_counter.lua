-- Benchmark: two threads, one increment each under a Lock (runs per second;
-- scripts/bench/floor.c times the same program on a bare scheduler).
scenario{ name = "bench locked counter" }
local counter = shared("counter", 0)
local lock = Lock("lock")
for i = 1, 2 do
  spawn(function()
    lock:acquire()
    local v = counter:get()
    counter:set(v + 1)
    lock:release()
  end)
end
