-- Benchmark: 4 threads through a Barrier n times (steps per second).
scenario{ name = "bench barrier" }
local n = param("n", 10000)
local b = Barrier(4, nil, nil, "b")
for i = 1, 4 do
  spawn("t" .. i, function()
    for _ = 1, n do b:wait() end
  end)
end
