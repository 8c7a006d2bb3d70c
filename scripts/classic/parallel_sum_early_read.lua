-- Barrier-phased parallel sum: reading the partial sums before the barrier.
--
-- Same workers as parallel_sum_barrier.lua, but each worker adds up the
-- partial sums BEFORE it waits at the barrier (the barrier is still there,
-- it just comes too late to protect the read).
--
-- The bug: a worker that finishes its chunk first reads the slots of
-- workers that have not written theirs yet and counts them as 0:
--   worker1 writes partial[1] = 3; worker1 reads partial[1..3] = 3, nil, nil
--   -> total 3, expected 21.
-- Expect assertion (the total check fails in such interleavings; in others,
-- where every worker happens to write before anyone reads, it passes --
-- which is why such a bug survives testing).
--
-- The fix (parallel_sum_barrier.lua): barrier:wait() between writing the
-- partial sums and reading them.
scenario{ name = "parallel sum (read before the barrier)", expect = { "data_race", "assertion" } }

local n = param("workers", 3)
local chunk = param("chunk", 2)
local barrier = Barrier(n, nil, nil, "barrier")
local partial = shared_table("partial")
local expected = n * chunk * (n * chunk + 1) // 2

for i = 1, n do
  spawn("worker" .. i, function()
    local s = 0
    for k = (i - 1) * chunk + 1, i * chunk do s = s + k end
    partial[i] = s                                -- phase 1: my partial sum
    local total = 0
    for j = 1, n do total = total + (partial[j] or 0) end   -- too early!
    barrier:wait()                                -- the barrier comes too late
    check(total == expected, "worker%d saw total %d before the barrier, expected %d",
          i, total, expected)
  end)
end
