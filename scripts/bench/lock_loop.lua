-- Benchmark: two threads x N lock/unlock pairs (steps per second).
scenario{ name = "bench lock loop" }
local n = param("n", 100000)
local lock = Lock()
for i = 1, 2 do
  spawn(function()
    for _ = 1, n do
      lock:acquire()
      lock:release()
    end
  end)
end
