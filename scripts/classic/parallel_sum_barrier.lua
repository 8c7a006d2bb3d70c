-- Barrier-phased parallel sum: the correct form.
--
-- The numbers 1..n*chunk are split into n chunks, one per worker.  Phase 1:
-- each worker sums its chunk into partial[i].  Barrier.  Phase 2: each
-- worker reads all partial sums and adds them up.  Because nobody leaves
-- the barrier before every worker has written its partial sum, every worker
-- sees the full total, n*chunk*(n*chunk+1)/2, in every interleaving.  A
-- second barrier separates phase 2 from a phase 3 in which worker 1 clears
-- the partial sums, so no reader of phase 2 sees a cleared slot.  Clean.
--
-- The buggy form (parallel_sum_early_read.lua) reads before the barrier.
scenario{ name = "parallel sum (barrier)", expect = "clean" }

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
    barrier:wait()
    local total = 0
    for j = 1, n do total = total + (partial[j] or 0) end   -- phase 2: read all
    check(total == expected, "worker%d sees total %d, expected %d", i, total, expected)
    barrier:wait()
    if i == 1 then for j = 1, n do partial[j] = nil end end  -- phase 3: reset
  end)
end
