-- Job workers that record results under a Lock: the correct form.
--
-- As in job_workers_raise.lua, but the lock is taken with
-- results_lock:with(fn), which releases it however fn ends (Python's
-- `with lock:`), and a bad job is caught (pcall, Python's try/except) and
-- counted as a failure: every job is accounted for and no worker is left
-- waiting.  Clean.
scenario{ name = "job workers (with, errors caught)", expect = "clean" }

local njobs = param("jobs", 2)
local bad = param("bad", 2)

local jobs = Queue(0, "jobs")
local results_lock = Lock("results_lock")
local results = shared_table("results")
results.n, results.failed = 0, 0
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
      local done, value = pcall(compute, job)
      results_lock:with(function()
        if done then
          results.n = results.n + 1
          results[results.n] = value
        else
          results.failed = results.failed + 1
        end
      end)
    end
  end)
end

finally(function()
  check(results.n + results.failed == njobs, "%d results and %d failures for %d jobs",
        results.n, results.failed, njobs)
end)
