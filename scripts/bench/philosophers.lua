-- Benchmark: N dining philosophers, each taking the left fork then the right
-- one: a deadlock when all hold their left fork.  Time to the first deadlock.
scenario{ name = "bench philosophers" }
local n = param("n", 5)
local forks = {}
for i = 1, n do forks[i] = Lock("fork" .. i) end
for i = 1, n do
  spawn("phil" .. i, function()
    local left, right = forks[i], forks[i % n + 1]
    left:acquire()
    right:acquire()
    right:release()
    left:release()
  end)
end
