-- From seeds/001_897fcf942ac2d54e.txt, 'threading.Barrier' (phased_worker).
--
-- Shows: "All 4 must reach here before any proceeds": the check says that no
-- worker starts phase 2 before every worker has completed phase 1.
--
-- Scaled down: Barrier(4) with 4 workers -> 3 (param n).
scenario{ name = "seed001 Barrier phases", expect = "clean" }

local n = param("n", 3)
local barrier = Barrier(n, nil, nil, "barrier")
local phase1_done = shared("phase1_done", 0)

local function phased_worker(worker_id)
  print(string.format("Worker %d: phase 1 complete", worker_id))
  phase1_done:add(1)
  barrier:wait()                     -- all n must reach here before any proceeds
  check(phase1_done:get() == n, "worker %d starts phase 2 with %d of %d in phase 1 done",
        worker_id, phase1_done:get(), n)
  print(string.format("Worker %d: starting phase 2", worker_id))
end

local threads = {}
for i = 0, n - 1 do threads[#threads + 1] = spawn("worker" .. i, phased_worker, i) end
for _, t in ipairs(threads) do t:join() end
