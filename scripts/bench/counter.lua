-- Benchmark: two threads, one racy increment each (runs per second).
scenario{ name = "bench counter" }
local counter = shared("counter", 0)
for i = 1, 2 do
  spawn(function()
    local v = counter:get()
    counter:set(v + 1)
  end)
end
