-- From seeds/004_a4cab6d75b48e450.txt, '9. Barrier (Wait for All Threads)'
-- (ParallelProcessor: results appended under a Lock, then barrier.wait(),
-- then sum(self.results)).
--
-- Shows: "Now all workers can use self.results": every worker appends its
-- phase-1 result under the lock, waits at the barrier, and only then sums
-- the list.  The check says every worker sees the full total 0+2+4 = 6 in
-- every interleaving.  Reading the results before the barrier would see a
-- partial sum: see scripts/classic/parallel_sum_early_read.lua.
scenario{ name = "seed004 Barrier ParallelProcessor", expect = "clean" }

local function ParallelProcessor(num_workers)
  local self = { barrier = Barrier(num_workers, nil, nil, "processor.barrier"),
                 results = shared_table("processor.results"),
                 lock = Lock("processor.lock") }
  self.results.n = 0
  function self.process_phase1(worker_id)
    local result = worker_id * 2
    print(string.format("Worker %d completed phase 1: %d", worker_id, result))
    self.lock:with(function()
      local n = self.results.n + 1                -- self.results.append(result)
      self.results[n] = result
      self.results.n = n
    end)
    print(string.format("Worker %d waiting at barrier", worker_id))
    self.barrier:wait()                           -- wait for all workers
    print(string.format("Worker %d starting phase 2", worker_id))
    local total = 0
    for i = 1, self.results.n do total = total + self.results[i] end   -- sum(self.results)
    print(string.format("Worker %d sees total: %d", worker_id, total))
    check(total == 6, "worker %d sees total %d, expected 6", worker_id, total)
  end
  return self
end

local processor = ParallelProcessor(3)
local threads = {}
for i = 0, 2 do threads[#threads + 1] = spawn("worker" .. i, processor.process_phase1, i) end
for _, t in ipairs(threads) do t:join() end
