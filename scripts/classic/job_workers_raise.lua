-- Job workers that record results under a Lock: the racy form, where a bad
-- job raises while its worker holds the lock.
--
-- Workers take jobs from a Queue, compute, and append each result to a
-- shared list under `results_lock`, taken with acquire() and release().
-- One job is bad: its worker raises between the acquire and the release,
-- as Python's `lock.acquire(); results.append(compute(job)); lock.release()`
-- does when compute() raises.  The lock is never released.
--
-- The bug, an error that leaves the others waiting:
--   one worker takes job 2 (the bad one), acquires results_lock, raises;
--   the other finishes job 1 and waits to acquire results_lock, forever.
-- racesim reports one bug, told from the error: "ValueError escaped worker2
-- in compute at ...: bad job 2, so worker1 ... waits to acquire Lock
-- 'results_lock', held by worker2, which ended by ValueError ... without
-- releasing it" (or the other way round, as the run shown has it).
--
-- The fix (job_workers_with.lua): take the lock with results_lock:with(fn),
-- which releases it however fn ends (Python's `with lock:`), and record a
-- bad job as a failure instead of letting the error end the worker.
scenario{ name = "job workers (an error holding a lock)", expect = { "error", "stuck" } }

local njobs = param("jobs", 2)
local bad = param("bad", 2)

local jobs = Queue(0, "jobs")
local results_lock = Lock("results_lock")
local results = shared_table("results")
results.n = 0
for j = 1, njobs do jobs:put(j) end

local function compute(job)
  if job == bad then error({type = "ValueError", message = "bad job " .. job}) end
  return job * 10
end

for w = 1, 2 do
  spawn("worker" .. w, function()
    while true do
      local ok, job = pcall(jobs.get_nowait, jobs)
      if not ok then return end                 -- queue.Empty: no more jobs
      results_lock:acquire()
      results.n = results.n + 1
      results[results.n] = compute(job)         -- raises for the bad job
      results_lock:release()
    end
  end)
end
